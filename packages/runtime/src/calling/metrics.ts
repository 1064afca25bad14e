/** Counts and latency percentiles of one plugin method. */
export interface MethodMetrics {
  readonly plugin: string;
  readonly method: string;
  readonly calls: number;
  /** Calls that failed, timeouts included; `plugin:not_implemented` and `plugin:not_found` are not failures. */
  readonly errors: number;
  readonly timeouts: number;
  /** Answers `plugin:not_implemented` (or a method the plugin does not export): "ask the next one". */
  readonly notImplemented: number;
  /** Answers `plugin:not_found`: the plugin has nothing for this request. */
  readonly notFound: number;
  /** Milliseconds, over the most recent calls (up to 1024). */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
}

const SAMPLES = 1024;

class MethodRecorder {
  calls = 0;
  errors = 0;
  timeouts = 0;
  notImplemented = 0;
  notFound = 0;
  private readonly samples = new Float64Array(SAMPLES);
  private next = 0;

  record(ms: number, outcome: CallResultKind): void {
    this.calls++;
    if (outcome === "error" || outcome === "timeout") this.errors++;
    if (outcome === "timeout") this.timeouts++;
    if (outcome === "not_implemented") this.notImplemented++;
    if (outcome === "not_found") this.notFound++;
    this.samples[this.next++ % SAMPLES] = ms;
  }

  latency(): MethodMetrics["latencyMs"] {
    const sorted = this.samples.slice(0, Math.min(this.next, SAMPLES)).sort();
    const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0);
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1]! : 0 };
  }
}

/**
 * How a call ended, for counting. `not_implemented` and `not_found` are how a plugin says "ask
 * the next one" (Navidrome counts neither as a failure); any other error is `error`.
 */
export type CallResultKind = "ok" | "not_implemented" | "not_found" | "error" | "timeout";

/** One call that ended, as `PluginManagerOptions.onCall` sees it. */
export interface CallObservation {
  readonly plugin: string;
  /** "Capability.Method" */
  readonly method: string;
  readonly ms: number;
  readonly outcome: CallResultKind;
}

/** Per plugin and method: calls, errors, timeouts and latency. */
export class Metrics {
  private readonly plugins = new Map<string, Map<string, MethodRecorder>>();

  constructor(private readonly observer?: (call: CallObservation) => void) {}

  record(plugin: string, method: string, ms: number, outcome: CallResultKind): void {
    this.observer?.({ plugin, method, ms, outcome });
    let methods = this.plugins.get(plugin);
    if (!methods) this.plugins.set(plugin, (methods = new Map()));
    let recorder = methods.get(method);
    if (!recorder) methods.set(method, (recorder = new MethodRecorder()));
    recorder.record(ms, outcome);
  }

  snapshot(plugin?: string): MethodMetrics[] {
    const result: MethodMetrics[] = [];
    for (const [name, methods] of this.plugins) {
      if (plugin !== undefined && name !== plugin) continue;
      for (const [method, recorder] of methods) {
        const { calls, errors, timeouts, notImplemented, notFound } = recorder;
        result.push({ plugin: name, method, calls, errors, timeouts, notImplemented, notFound, latencyMs: recorder.latency() });
      }
    }
    return result;
  }
}
