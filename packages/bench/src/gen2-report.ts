// The "generation 2 and the store" part of the benchmark: measures, prints, and answers the figures for results.json.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bareGen2BiographyMicros, biographyBesideGen1Micros, ndGen2HostCallMicros, ndGen2KvMicros, ndGen2Throughput } from "./gen2.js";
import { redisServerInstalled, startRedis } from "./redis-server.js";
import { bareRedisSetGetMicros, bareSqliteSetGetMicros, ndKvSetGetMicros, storeKvSetGetMicros, tasksPerSecond } from "./store.js";

/** Figures measured earlier in the run that the generation-2 ones are compared with. */
export interface Gen1Figures {
  /** nd, as-echo GetArtistBiography, warm. */
  biographyMicros: number;
  /** nd, one cache get from inside the generation-1 cache-loop plugin (answered in the worker, from shared memory). */
  hostCallMicros: number;
  /** nd, one get_plugin_config from inside the same plugin (answered in the worker: fixed for a load). */
  configCallMicros: number;
  /** nd, one get_artist_url from inside the same plugin (answered on the manager's thread). */
  artworkCallMicros: number;
  /** The floor's naive host-call bridge (Atomics.wait + MessagePort). */
  naiveBridgeMicros: number;
  /** @extism/extism in-thread running the same peer plugin's biography, when it ran. */
  extismBiographyMicros?: number;
}

export interface Gen2Figures {
  biographyMicros: number;
  /** Generation 1's biography measured in the blocks alternating with `biographyMicros`'s: the ratio's like-for-like pair. */
  gen1BesideMicros: number;
  /** The same biography with 64 calls in flight, 1 worker: each call on a renewed instance or a new one. */
  biographyCallsPerSecond: number;
  bareBiographyMicros: number;
  bareReusedBiographyMicros: number;
  hostCallMicros: number;
  configCallMicros: number;
  artworkCallMicros: number;
  /** Through the host function: the JSON envelope both ways, as a plugin's call, then the store layer. */
  kvSqliteMicros: number;
  /** The store layer alone (namespace, quota, expiry): the like-for-like pair of the bare figure. */
  storeSqliteMicros: number;
  bareSqliteMicros: number;
  pluginKvSqliteMicros: number;
  kvRedisMicros?: number;
  storeRedisMicros?: number;
  pluginKvRedisMicros?: number;
  bareRedisMicros?: number;
  tasksPerSecondSqlite: number;
  tasksPerSecondRedis?: number;
  tasksPerSecondTwoHostsRedis?: number;
}

/** Sample counts: `quick` only checks that every part runs. */
const counts = (quick: boolean) => ({ samples: quick ? 20 : 300, calls: quick ? 100 : 2_000, tasks: quick ? 50 : 2_000, blocks: quick ? 2 : 15 });

export async function reportGen2AndStore(say: (line: string) => void, gen1: Gen1Figures, quick = false): Promise<Gen2Figures> {
  const { samples, calls, tasks, blocks } = counts(quick);
  const us = (value: number | undefined) => (value === undefined ? "skipped" : `${value.toFixed(1)} µs`);
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? "n/a" : `${(a / b).toFixed(2)}×`);
  const perSecond = (value: number | undefined) => (value === undefined ? "skipped" : `${value.toFixed(0)} tasks/s`);

  say("\n## generation 2 (the peer plugin's biography through nd: Extism ABI, a fresh instance per call, 1 worker)");
  const beside = await biographyBesideGen1Micros(blocks, calls / 4);
  const biographyMicros = beside.gen2;
  const biographyCallsPerSecond = await ndGen2Throughput(calls * 10);
  const bareBiographyMicros = await bareGen2BiographyMicros(samples);
  const bareReusedBiographyMicros = await bareGen2BiographyMicros(samples, true);
  const hostCallMicros = await ndGen2HostCallMicros("nd_gets", samples);
  const configCallMicros = await ndGen2HostCallMicros("nd_config_gets", samples);
  const artworkCallMicros = await ndGen2HostCallMicros("nd_artwork_gets", samples);
  say(`biography: ${us(biographyMicros)}; generation 1 (as-echo GetArtistBiography) in alternating blocks ${us(beside.gen1)}: gen2/gen1 ${ratio(biographyMicros, beside.gen1)} (target ≤ 1.50×; ${blocks} blocks of ${calls / 4} calls each, medians)`);
  say(`throughput, 64 calls in flight, 1 worker: ${biographyCallsPerSecond.toFixed(0)} calls/s (generation 1's GetArtistBiography: the throughput section, 1 worker)`);
  say(`Navidrome v0.63-like reference (new Instance + initializer + call, bare kernel, this thread): ${us(bareBiographyMicros)}; nd/reference ${ratio(biographyMicros, bareBiographyMicros)}`);
  say(`the same with one instance reused: ${us(bareReusedBiographyMicros)} (the fresh instance costs the difference); @extism/extism in-thread, the same module: ${us(gen1.extismBiographyMicros)}, nd/extism ${ratio(biographyMicros, gen1.extismBiographyMicros)}`);
  say("one host call from inside a plugin, (100 calls − none) / 100 (generation 1 answers cache and config in the worker, generation 2 on the manager's thread):");
  say(`  artwork URL (both on the manager's thread): ${us(artworkCallMicros)}; generation 1 ${us(gen1.artworkCallMicros)}: gen2/gen1 ${ratio(artworkCallMicros, gen1.artworkCallMicros)} (target ≤ 1.50×); ${ratio(artworkCallMicros, gen1.naiveBridgeMicros)} of a naive bridge`);
  say(`  config_get: ${us(configCallMicros)}; generation 1's get_plugin_config ${us(gen1.configCallMicros)}: ${ratio(configCallMicros, gen1.configCallMicros)}`);
  say(`  cache_getstring: ${us(hostCallMicros)}; generation 1's cache get ${us(gen1.hostCallMicros)}: ${ratio(hostCallMicros, gen1.hostCallMicros)}`);

  say("\n## store (one kvstore set + get: nd's store layer beside the bare client; through the host function with its JSON envelope; from inside a plugin)");
  const dataFolder = mkdtempSync(join(tmpdir(), "nd-bench-store-"));
  const figures: Gen2Figures = {
    biographyMicros,
    gen1BesideMicros: beside.gen1,
    biographyCallsPerSecond,
    bareBiographyMicros,
    bareReusedBiographyMicros,
    hostCallMicros,
    configCallMicros,
    artworkCallMicros,
    kvSqliteMicros: 0,
    storeSqliteMicros: 0,
    bareSqliteMicros: 0,
    pluginKvSqliteMicros: 0,
    tasksPerSecondSqlite: 0,
  };
  try {
    figures.storeSqliteMicros = await storeKvSetGetMicros({ dataFolder }, samples * 10);
    figures.bareSqliteMicros = await bareSqliteSetGetMicros(samples * 10);
    figures.kvSqliteMicros = await ndKvSetGetMicros({ dataFolder }, samples * 10);
    figures.pluginKvSqliteMicros = await ndGen2KvMicros({ dataFolder }, samples);
    say(`SQLite: store layer ${us(figures.storeSqliteMicros)}, bare node:sqlite upsert + select ${us(figures.bareSqliteMicros)}: ${ratio(figures.storeSqliteMicros, figures.bareSqliteMicros)} (target ≤ 1.50×)`);
    say(`  through the host function ${us(figures.kvSqliteMicros)} (${ratio(figures.kvSqliteMicros, figures.bareSqliteMicros)} of bare); from inside a plugin ${us(figures.pluginKvSqliteMicros)}`);
    figures.tasksPerSecondSqlite = await tasksPerSecond([{ dataFolder }], tasks);
  } finally {
    rmSync(dataFolder, { recursive: true, force: true });
  }
  if (!redisServerInstalled()) {
    say("Redis: skipped, redis-server is not on PATH");
  } else {
    const redis = await startRedis();
    try {
      figures.storeRedisMicros = await storeKvSetGetMicros({ url: redis.url }, samples * 3);
      figures.bareRedisMicros = await bareRedisSetGetMicros(redis.url, samples * 3);
      figures.kvRedisMicros = await ndKvSetGetMicros({ url: redis.url }, samples * 3);
      figures.pluginKvRedisMicros = await ndGen2KvMicros({ url: redis.url }, samples);
      say(`Redis: store layer ${us(figures.storeRedisMicros)}, bare ioredis SET + GET ${us(figures.bareRedisMicros)}: ${ratio(figures.storeRedisMicros, figures.bareRedisMicros)} (target ≤ 1.50×)`);
      say(`  through the host function ${us(figures.kvRedisMicros)} (${ratio(figures.kvRedisMicros, figures.bareRedisMicros)} of bare); from inside a plugin ${us(figures.pluginKvRedisMicros)}`);
      figures.tasksPerSecondRedis = await tasksPerSecond([{ url: redis.url }], tasks);
      figures.tasksPerSecondTwoHostsRedis = await tasksPerSecond([{ url: redis.url }, { url: redis.url }], tasks);
    } finally {
      await redis.close();
    }
  }
  say(`\n## tasks (${tasks} enqueued, queue concurrency 4, onTaskExecute answers at once; first enqueue to last completion)`);
  say(`SQLite, one host: ${perSecond(figures.tasksPerSecondSqlite)}`);
  say(`Redis, one host: ${perSecond(figures.tasksPerSecondRedis)}; two hosts sharing it: ${perSecond(figures.tasksPerSecondTwoHostsRedis)}`);
  return figures;
}
