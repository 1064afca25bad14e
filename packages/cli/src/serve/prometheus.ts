import type { CallObservation } from "@nd/runtime";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

const LABELS = ["plugin", "method"] as const;
const CALL_LABELS = [...LABELS, "outcome"] as const;
/**
 * prom-client's default gauges named like counters (`_total`), which `promtool check metrics`
 * warns about; the same counts remain by type in `nodejs_active_handles`, `nodejs_active_requests`
 * and `nodejs_active_resources`.
 */
const GAUGES_NAMED_LIKE_COUNTERS = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];
/** Seconds: from a cached answer (well under a millisecond) to the default 30 s deadline. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * What `GET /metrics` serves, in the Prometheus text format: calls by outcome, errors,
 * timeouts and a latency histogram per plugin and method; one gauge per numeric field of the pool's stats
 * (`nd_pool_<field>`), so fields the runtime adds appear without a change here; and the
 * process metrics of prom-client.
 */
export class ServerMetrics {
  private readonly registry = new Registry();
  private readonly calls = new Counter({
    name: "nd_plugin_calls_total",
    help: "Plugin calls that ended, by outcome: ok, not_implemented, not_found (neither is an error), error, timeout",
    labelNames: CALL_LABELS,
    registers: [this.registry],
  });
  private readonly errors = this.counter(
    "nd_plugin_errors_total",
    "Plugin calls that failed, timeouts included; plugin:not_implemented and plugin:not_found answers are not failures",
  );
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
    for (const name of GAUGES_NAMED_LIKE_COUNTERS) this.registry.removeSingleMetric(name);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Counts one call; given to the runtime as `onCall`. */
  readonly observe = ({ plugin, method, ms, outcome }: CallObservation): void => {
    const labels = { plugin, method };
    this.calls.inc({ ...labels, outcome });
    // Adding 0 still creates the series, so rates start from 0 rather than from the first error.
    this.errors.inc(labels, outcome === "error" || outcome === "timeout" ? 1 : 0);
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
