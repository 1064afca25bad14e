import type { CallObservation } from "@nd/runtime";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { StoreSnapshot } from "./store-status.js";

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
 * (`nd_pool_<field>`), so fields the runtime adds appear without a change here; the store of
 * generation-2 plugins (its kind, and per plugin kvstore keys and bytes, tasks waiting and
 * running, this host's task outcomes); and the process metrics of prom-client.
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
  private readonly storeInfo = this.gauge("nd_store_info", "The store of generation-2 plugin state in use (1), by kind: sqlite, redis or memory", ["kind"]);
  private readonly storeReachable = this.gauge("nd_store_reachable", "Whether the last read of the store for these metrics succeeded (1) or not (0)", []);
  private readonly kvKeys = this.gauge("nd_plugin_kvstore_keys", "Live kvstore keys of a generation-2 plugin", ["plugin"]);
  private readonly kvBytes = this.gauge("nd_plugin_kvstore_bytes", "Bytes of the live kvstore values of a generation-2 plugin", ["plugin"]);
  private readonly tasks = this.gauge("nd_plugin_tasks", "Tasks of a generation-2 plugin in the store (every host's), by state: pending or running", ["plugin", "state"]);
  private readonly taskOutcomes = new Counter({
    name: "nd_plugin_task_outcomes_total",
    help: "Task runs this host finished, by outcome: completed, failed, retried (failed with attempts left)",
    labelNames: ["plugin", "outcome"],
    registers: [this.registry],
  });
  private readonly countedOutcomes = new Map<string, number>();

  constructor(
    private readonly poolStats: () => object,
    private readonly storeSnapshot: () => Promise<StoreSnapshot>,
  ) {
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
    this.setStore(await this.storeSnapshot());
    return this.registry.metrics();
  }

  private setStore(snapshot: StoreSnapshot): void {
    this.storeInfo.reset();
    this.storeInfo.set({ kind: snapshot.kind }, 1);
    this.storeReachable.set(snapshot.error === undefined ? 1 : 0);
    if (snapshot.error !== undefined) return;
    // Plugins gone since the last scrape leave no stale series.
    for (const gauge of [this.kvKeys, this.kvBytes, this.tasks]) gauge.reset();
    for (const { id, state, outcomes } of snapshot.rows) {
      this.kvKeys.set({ plugin: id }, state.keys);
      this.kvBytes.set({ plugin: id }, state.bytes);
      this.tasks.set({ plugin: id, state: "pending" }, state.tasks.pending);
      this.tasks.set({ plugin: id, state: "running" }, state.tasks.running);
      for (const [outcome, count] of Object.entries(outcomes)) this.countOutcomes(id, outcome, count);
    }
  }

  /** The store status keeps totals; the counter grows by what is new since the last scrape. */
  private countOutcomes(plugin: string, outcome: string, total: number): void {
    const key = JSON.stringify([plugin, outcome]);
    this.taskOutcomes.inc({ plugin, outcome }, total - (this.countedOutcomes.get(key) ?? 0));
    this.countedOutcomes.set(key, total);
  }

  private gauge<T extends string>(name: string, help: string, labelNames: T[]): Gauge<T> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
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
