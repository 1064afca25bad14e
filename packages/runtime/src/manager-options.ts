import { availableParallelism } from "node:os";
import type { PluginManagerOptions } from "./manager.js";

const DEFAULTS = {
  maxThreads: 64,
  maxInstancesPerPlugin: 8,
  instanceIdleTtlMs: 60_000,
  callTimeoutMs: 30_000,
  memoryLimitBytes: 256 * 1024 * 1024,
  compileConcurrency: 2,
  closeGraceMs: 5_000,
};

type Counted = keyof typeof DEFAULTS | "workers";

export type ResolvedManagerOptions = PluginManagerOptions & Record<Counted, number>;

/** The options with their defaults; an option given as undefined takes its default too. */
export function resolveManagerOptions(options: PluginManagerOptions): ResolvedManagerOptions {
  const counts: Record<Counted, number> = { ...DEFAULTS, workers: availableParallelism() };
  for (const name of Object.keys(counts) as Counted[]) {
    const value = options[name] ?? counts[name];
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`PluginManager option ${name} must be a whole number of at least 1, got ${String(value)}`);
    }
    counts[name] = value;
  }
  if (counts.maxThreads < counts.workers) {
    throw new RangeError(`PluginManager option maxThreads (${counts.maxThreads}) must be at least workers (${counts.workers})`);
  }
  return { ...options, ...counts };
}
