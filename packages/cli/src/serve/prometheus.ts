import type { CallObservation } from "@nd/runtime";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

const LABELS = ["plugin", "method"] as const;
/** Seconds: from a cached answer (well under a millisecond) to the default 30 s deadline. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * What `GET /metrics` serves, in the Prometheus text format: calls, errors, timeouts and a
 * latency histogram per plugin and method; one gauge per numeric field of the pool's stats
 * (`nd_pool_<field>`), so fields the runtime adds appear without a change here; and the
 * process metrics of prom-client.
 */
export class ServerMetrics {
  private readonly registry = new Registry();
  private readonly calls = this.counter("nd_plugin_calls_total", "Plugin calls that ended");
  private readonly errors = this.counter("nd_plugin_errors_total", "Plugin calls that ended in an error, timeouts included");
  private readonly timeouts = this.counter("nd_plugin_timeouts_total", "Plugin calls that overran their deadline");
  private readonly latency = new Histogram({
    name: "nd_plugin_call_duration_seconds",
    help: "Time from a plugin call's start to its end",
    labelNames: LABELS,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly poolGauges = new Map<string, Gauge>();

  constructor(private readonly poolStats: () => object) {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Counts one call; given to the runtime as `onCall`. */
  readonly observe = ({ plugin, method, ms, outcome }: CallObservation): void => {
    const labels = { plugin, method };
    this.calls.inc(labels);
    // Adding 0 still creates the series, so rates start from 0 rather than from the first error.
    this.errors.inc(labels, outcome === "ok" ? 0 : 1);
    this.timeouts.inc(labels, outcome === "timeout" ? 1 : 0);
    this.latency.observe(labels, ms / 1000);
  };

  async text(): Promise<string> {
    for (const [field, value] of Object.entries(this.poolStats())) {
      if (typeof value === "number") this.poolGauge(field).set(value);
    }
    return this.registry.metrics();
  }

  private counter(name: string, help: string): Counter<(typeof LABELS)[number]> {
    return new Counter({ name, help, labelNames: LABELS, registers: [this.registry] });
  }

  private poolGauge(field: string): Gauge {
    let gauge = this.poolGauges.get(field);
    if (!gauge) {
      const name = `nd_pool_${field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`).replace(/[^a-z0-9_]/g, "_")}`;
      gauge = new Gauge({ name, help: `The worker pool's ${field} (PluginManager.poolStats())`, registers: [this.registry] });
      this.poolGauges.set(field, gauge);
    }
    return gauge;
  }
}
