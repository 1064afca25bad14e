import { performance } from "node:perf_hooks";
import { type PluginInfo, PluginManager } from "@nd/runtime";
import { GETS_PER_CALL, cacheLoopFolder } from "./cache-loop-plugin.js";
import { echoCopiesFolder, echoFolder, type EchoExample } from "./plugin-folders.js";
import { WARM_UP_CALLS, gcNow, latencyMicros, median, medianOfRuns, throughput } from "./stats.js";
import { runAloneWhenMain } from "./alone.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const BIG_NAME = "x".repeat(100 * 1024);
const IN_FLIGHT = 64;
const THROUGHPUT_RUNS = 5;

async function echoManager(workers: number, example: EchoExample = "as-echo", maxInstancesPerPlugin?: number): Promise<PluginManager> {
  const manager = new PluginManager({ folder: echoFolder(example), workers, logger: quiet, maxInstancesPerPlugin });
  await manager.start();
  return manager;
}

const biography = (manager: PluginManager, name: string, example: EchoExample = "as-echo") =>
  manager.call(example, "MetadataAgent", "GetArtistBiography", { name });
const images = (manager: PluginManager, name: string, example: EchoExample = "as-echo") =>
  manager.call(example, "MetadataAgent", "GetArtistImages", { name });

export interface NdLatency {
  biographyMicros: number;
  imagesMicros: number;
  bigResponseMicros: number;
}

/** Warm calls, one at a time, on one worker. */
export async function ndLatency(example: EchoExample = "as-echo"): Promise<NdLatency> {
  const manager = await echoManager(1, example);
  try {
    return {
      biographyMicros: await latencyMicros(() => biography(manager, "Nina Simone", example), { samples: 2_000, warmup: WARM_UP_CALLS }),
      imagesMicros: await latencyMicros(() => images(manager, "Nina Simone", example), { samples: 2_000, warmup: WARM_UP_CALLS }),
      bigResponseMicros: await latencyMicros(() => biography(manager, BIG_NAME, example), { samples: 100, warmup: 20 }),
    };
  } finally {
    await manager.close();
  }
}

export interface NdThroughput {
  callsPerSecond: number;
  /** Time the manager's thread was busy (event loop utilization), per call. */
  managerMicrosPerCall: number;
}

/**
 * Calls per second (median of 5 runs) of GetArtistBiography with 64 calls in flight, all handed to the pool
 * (`maxInstancesPerPlugin: 64`; the default 8 keeps one plugin from filling the pool).
 */
export async function ndThroughput(workers: number, total = 50_000): Promise<NdThroughput> {
  const manager = await echoManager(workers, "as-echo", IN_FLIGHT);
  try {
    await throughput(() => biography(manager, "warm-up"), { total: 5_000 });
    const busyMicros: number[] = [];
    const callsPerSecond = await medianOfRuns(THROUGHPUT_RUNS, async () => {
      const before = performance.eventLoopUtilization();
      const result = await throughput(() => biography(manager, "Nina Simone"), { total, inFlight: IN_FLIGHT });
      busyMicros.push((performance.eventLoopUtilization(before).active * 1000) / total);
      return result;
    });
    return { callsPerSecond, managerMicrosPerCall: median(busyMicros) };
  } finally {
    await manager.close();
  }
}

/**
 * One host call from inside a plugin, in µs: (100 calls − none) / 100, warm, one worker. By
 * default a cache get; `"GetSimilarArtists"` reads the plugin's config instead, `"GetArtistTopSongs"`
 * asks for an artwork URL (the only one of the three answered on the manager's thread).
 */
export async function ndHostCallMicros(
  loopMethod: "GetArtistBiography" | "GetSimilarArtists" | "GetArtistTopSongs" = "GetArtistBiography",
): Promise<number> {
  const pluginConfig = { "cache-loop": { k: "v" } };
  const manager = new PluginManager({ folder: await cacheLoopFolder(), workers: 1, logger: quiet, pluginConfig });
  await manager.start();
  try {
    const call = (method: string) => () => manager.call("cache-loop", "MetadataAgent", method, {});
    await call("GetArtistURL")();
    const withGets = await latencyMicros(call(loopMethod), { samples: 300, warmup: WARM_UP_CALLS / 10 });
    const without = await latencyMicros(call("GetArtistMBID"), { samples: 2_000, warmup: WARM_UP_CALLS });
    return (withGets - without) / GETS_PER_CALL;
  } finally {
    await manager.close();
  }
}

export interface StartUp {
  plugins: number;
  readyMillis: number;
  firstCallMillis: number;
}

/** From `new PluginManager` to every plugin loaded, then the first call of a fresh plugin. */
export async function ndStartUp(plugins: number): Promise<StartUp> {
  const { folder, names } = echoCopiesFolder(plugins);
  const start = performance.now();
  const manager = new PluginManager({ folder, workers: 2, logger: quiet });
  await manager.start();
  const readyMillis = performance.now() - start;
  const first = performance.now();
  await manager.call(names[0]!, "MetadataAgent", "GetArtistBiography", { name: "first" });
  const firstCallMillis = performance.now() - first;
  if (manager.list().some((plugin: PluginInfo) => plugin.state !== "loaded")) throw new Error("a benchmark plugin failed to load");
  await manager.close();
  return { plugins, readyMillis, firstCallMillis };
}

export interface Memory {
  /** rss growth per loaded (not yet called) plugin, from 1 to 50 loaded plugins. */
  perLoadedPluginBytes: number;
  /** rss growth per plugin after one call of each (an instance of each in a worker). */
  perPooledInstanceBytes: number;
  heapBefore100kBytes: number;
  heapAfter100kBytes: number;
  rssBefore100kBytes: number;
  rssAfter100kBytes: number;
}

async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  gcNow();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gcNow();
  return process.memoryUsage();
}

export async function ndMemory(): Promise<Memory> {
  const one = echoCopiesFolder(1);
  const fifty = echoCopiesFolder(50);
  const small = new PluginManager({ folder: one.folder, workers: 1, logger: quiet });
  await small.start();
  const withOne = await settledMemory();
  const big = new PluginManager({ folder: fifty.folder, workers: 1, logger: quiet });
  await big.start();
  const withFiftyMore = await settledMemory();
  for (const name of fifty.names) await big.call(name, "MetadataAgent", "GetArtistBiography", { name });
  const afterCalls = await settledMemory();
  await big.close();

  await throughput(() => small.call(one.names[0]!, "MetadataAgent", "GetArtistBiography", { name: "warm" }), { total: 2_000 });
  const before = await settledMemory();
  await throughput(() => small.call(one.names[0]!, "MetadataAgent", "GetArtistBiography", { name: "Nina Simone" }), {
    total: 100_000,
  });
  const after = await settledMemory();
  await small.close();
  return {
    perLoadedPluginBytes: (withFiftyMore.rss - withOne.rss) / 50,
    perPooledInstanceBytes: (afterCalls.rss - withFiftyMore.rss) / 50,
    heapBefore100kBytes: before.heapUsed,
    heapAfter100kBytes: after.heapUsed,
    rssBefore100kBytes: before.rss,
    rssAfter100kBytes: after.rss,
  };
}

await runAloneWhenMain(import.meta.url, {
  startUp1: () => ndStartUp(1),
  startUp50: () => ndStartUp(50),
  memory: ndMemory,
  latency: () => ndLatency(),
});
