import { availableParallelism } from "node:os";
import type { PluginManagerOptions } from "./manager.js";

const MIB = 1024 * 1024;

/** The defaults of the PluginManager options that are counts. */
export const MANAGER_DEFAULTS = {
  maxThreads: 64,
  maxInstancesPerPlugin: 8,
  instanceIdleTtlMs: 60_000,
  callTimeoutMs: 30_000,
  memoryLimitBytes: 256 * MIB,
  maxTableElements: 262_144,
  maxResultBytes: 4 * MIB,
  maxResultEntries: 10_000,
  maxResultMessages: 100_000,
  maxHostCallRequestBytes: 16 * MIB,
  maxQueuedCallsPerPlugin: 1024,
  maxIdleMemoryBytes: 64 * MIB,
  compileConcurrency: 2,
  closeGraceMs: 5_000,
};

/** Upper bounds: an instance's tables live on its worker's heap (see worker-limits.ts). */
const MAXIMA: Partial<Record<Counted, number>> = { maxTableElements: 1_048_576 };

type Counted = keyof typeof MANAGER_DEFAULTS | "workers";

export type ResolvedManagerOptions = PluginManagerOptions & Record<Counted, number>;

/** The options with their defaults; an option given as undefined takes its default too. */
export function resolveManagerOptions(options: PluginManagerOptions): ResolvedManagerOptions {
  const counts: Record<Counted, number> = { ...MANAGER_DEFAULTS, workers: availableParallelism() };
  for (const name of Object.keys(counts) as Counted[]) {
    const value = options[name] ?? counts[name];
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`PluginManager option ${name} must be a whole number of at least 1, got ${String(value)}`);
    }
    const maximum = MAXIMA[name];
    if (maximum !== undefined && value > maximum) {
      throw new RangeError(`PluginManager option ${name} must be at most ${maximum}, got ${value}`);
    }
    counts[name] = value;
  }
  if (counts.maxThreads < counts.workers) {
    throw new RangeError(`PluginManager option maxThreads (${counts.maxThreads}) must be at least workers (${counts.workers})`);
  }
  return { ...options, ...counts };
}
