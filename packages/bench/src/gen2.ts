import { rmSync } from "node:fs";
import { PluginManager, type PluginManagerOptions } from "@nd/runtime";
import type { StoreOptions } from "@nd/host-services";
import { GEN2_GETS_PER_CALL, PEER_WASM, gen2CacheLoopFolder, gen2KvLoopFolder, peerEchoFolder } from "./gen2-plugins.js";
import { bareGen2Call } from "./gen2-floor.js";
import { echoFolder } from "./plugin-folders.js";
import { WARM_UP_CALLS, latencyMicros, median, medianOfRuns, throughput } from "./stats.js";

const GENERATIONS = ["gen1", "gen2"] as const;

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const decoder = new TextDecoder();

type ManagerExtras = Pick<PluginManagerOptions, "pluginConfig" | "hostServices" | "maxInstancesPerPlugin">;

async function withManager<T>(folder: string, extras: ManagerExtras, measure: (manager: PluginManager) => Promise<T>): Promise<T> {
  const manager = new PluginManager({ folder, workers: 1, logger: quiet, ...extras });
  await manager.start();
  try {
    return await measure(manager);
  } finally {
    await manager.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** What the peer plugin's `biography` answers through nd (its export, called with callExport). */
export const ndGen2Biography = (manager: PluginManager, name: string) =>
  manager.callExport("peer-echo", "biography", name).then((bytes) => decoder.decode(bytes));

const BIOGRAPHY_BLOCKS = 15;
const CALLS_PER_BLOCK = 500;

/**
 * Median µs per call of the peer plugin's `biography` through nd as a generation-2 plugin (a
 * fresh instance every call) and of generation 1's as-echo GetArtistBiography, one call at a
 * time, 1 worker each. The two are measured in alternating blocks of calls: a shared
 * machine's speed drifts from second to second, and both generations then see the same drift.
 */
export async function biographyBesideGen1Micros(blocks = BIOGRAPHY_BLOCKS, callsPerBlock = CALLS_PER_BLOCK): Promise<{ gen1: number; gen2: number }> {
  const folders = { gen1: echoFolder(), gen2: peerEchoFolder() };
  const managers = { gen1: new PluginManager({ folder: folders.gen1, workers: 1, logger: quiet }), gen2: new PluginManager({ folder: folders.gen2, workers: 1, logger: quiet }) };
  try {
    await Promise.all([managers.gen1.start(), managers.gen2.start()]);
    const answer = await ndGen2Biography(managers.gen2, "Nina Simone");
    if (answer !== "bio of Nina Simone") throw new Error(`the generation-2 plugin answered ${answer}`);
    const calls = {
      gen1: () => managers.gen1.call("as-echo", "MetadataAgent", "GetArtistBiography", { name: "Nina Simone" }),
      gen2: () => managers.gen2.callExport("peer-echo", "biography", "Nina Simone"),
    };
    const perBlock = { gen1: [] as number[], gen2: [] as number[] };
    for (const generation of GENERATIONS) await latencyMicros(calls[generation], { samples: 1, warmup: WARM_UP_CALLS });
    for (let block = 0; block < blocks; block++) {
      for (const generation of GENERATIONS) {
        perBlock[generation].push(await latencyMicros(calls[generation], { samples: 1, batch: callsPerBlock, warmup: 0 }));
      }
    }
    return { gen1: median(perBlock.gen1), gen2: median(perBlock.gen2) };
  } finally {
    await Promise.all([managers.gen1.close(), managers.gen2.close()]);
    for (const folder of Object.values(folders)) rmSync(folder, { recursive: true, force: true });
  }
}

/** Calls per second (median of 5 runs) of the peer plugin's `biography` with 64 calls in flight, 1 worker, a fresh instance every call. */
export function ndGen2Throughput(total = 20_000): Promise<number> {
  return withManager(peerEchoFolder(), { maxInstancesPerPlugin: 64 }, async (manager) => {
    const call = () => manager.callExport("peer-echo", "biography", "Nina Simone");
    await throughput(call, { total: total / 4 });
    return medianOfRuns(5, () => throughput(call, { total, inFlight: 64 }));
  });
}

/**
 * One host call from inside a generation-2 plugin, in µs: (100 calls − none) / 100, warm, one
 * worker. `nd_gets` calls cache_getstring, `nd_config_gets` config_get, `nd_artwork_gets` artwork_getartisturl.
 */
export async function ndGen2HostCallMicros(
  loopExport: "nd_gets" | "nd_config_gets" | "nd_artwork_gets" = "nd_gets",
  samples = 300,
): Promise<number> {
  const pluginConfig = { "cache-loop-gen2": { k: "v" } };
  return withManager(await gen2CacheLoopFolder(), { pluginConfig }, async (manager) => {
    const call = (exportName: string) => () => manager.callExport("cache-loop-gen2", exportName);
    await call("nd_seed")();
    const withGets = await latencyMicros(call(loopExport), { samples, warmup: WARM_UP_CALLS / 10 });
    const without = await latencyMicros(call("nd_none"), { samples: samples * 5, warmup: WARM_UP_CALLS });
    return (withGets - without) / GEN2_GETS_PER_CALL;
  });
}

/** One kvstore_set + kvstore_get from inside a generation-2 plugin, in µs: (100 rounds − none) / 100, warm, one worker. */
export async function ndGen2KvMicros(store: StoreOptions, samples = 300): Promise<number> {
  return withManager(await gen2KvLoopFolder(), { hostServices: { store } }, async (manager) => {
    const call = (exportName: string) => () => manager.callExport("kv-loop-gen2", exportName);
    const withRounds = await latencyMicros(call("nd_kv"), { samples, warmup: WARM_UP_CALLS / 20 });
    const without = await latencyMicros(call("nd_none"), { samples: samples * 5, warmup: WARM_UP_CALLS });
    return (withRounds - without) / GEN2_GETS_PER_CALL;
  });
}

/** The same `biography` on this thread over a bare kernel, a fresh instance per call (the reference) or one reused. */
export function bareGen2BiographyMicros(samples = 300, reuseInstance = false): Promise<number> {
  const call = bareGen2Call(PEER_WASM, { reuseInstance });
  const answer = call("biography", "Nina Simone");
  if (answer !== "bio of Nina Simone") throw new Error(`the bare generation-2 call answered ${answer}`);
  return latencyMicros(() => call("biography", "Nina Simone"), { samples, batch: 50 });
}
