import { readFileSync, rmSync } from "node:fs";
import createPlugin from "@extism/extism";
import { PluginManager } from "@nd/runtime";
import { isolationFolder, type IsolationPluginKind } from "./isolation-plugins.js";
import { slowUpstream } from "./slow-upstream.js";
import { gcNow, median } from "./stats.js";
import { runAloneWhenMain } from "./alone.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const PLUGINS = 8;
const CALLS_PER_PLUGIN = 8;
const UPSTREAM_MS = 100;
const RUNS = 5;
const PEER_WASM = new URL("../peer/plugin.wasm", import.meta.url);

const biography = (manager: PluginManager, plugin: string, id: string) =>
  manager.call(plugin, "MetadataAgent", "GetArtistBiography", { id });

async function withManager<T>(plugins: Record<string, IsolationPluginKind>, options: { callTimeoutMs?: number }, use: (manager: PluginManager) => Promise<T>): Promise<T> {
  const folder = await isolationFolder(plugins);
  const manager = new PluginManager({ folder, workers: 2, logger: quiet, closeGraceMs: 100, ...options });
  try {
    await manager.start();
    return await use(manager);
  } finally {
    await manager.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

export interface SlowUpstreamRun {
  /** The first storm of a fresh manager: its threads start during the run. */
  coldMillis: number;
  /** Median of the next runs, threads already started. */
  warmMillis: number;
  idealMillis: number;
}

/** Times the first storm, then the median of RUNS more. */
async function timeStorms(storm: () => Promise<unknown>): Promise<SlowUpstreamRun> {
  const timed = async () => {
    const start = performance.now();
    await storm();
    return performance.now() - start;
  };
  const coldMillis = await timed();
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) warm.push(await timed());
  return { coldMillis, warmMillis: median(warm), idealMillis: UPSTREAM_MS };
}

/** 64 calls over 8 plugins, each waiting 100 ms on its upstream, all at once, 2 CPU slots. */
export async function ndSlowUpstream(): Promise<SlowUpstreamRun> {
  const upstream = await slowUpstream(UPSTREAM_MS);
  const names = Array.from({ length: PLUGINS }, (_, i) => `fetcher-${i}`);
  try {
    return await withManager(Object.fromEntries(names.map((name) => [name, "fetcher"])), {}, async (manager) => {
      const storm = () =>
        Promise.all(names.flatMap((name) => Array.from({ length: CALLS_PER_PLUGIN }, (_, i) => biography(manager, name, `${upstream.origin}/${name}/${i}`))));
      return timeStorms(storm);
    });
  } finally {
    await upstream.close();
  }
}

export interface ColdBurst {
  /** 64 calls of 8 plugins, 100 ms upstream, after one call of each plugin. */
  millis: number;
  /** Peak rss growth during it (sampled every 5 ms), against the settled host before it. */
  rssGrowthBytes: number;
  /** Threads at its peak. */
  peakThreads: number;
}

/** Issue 17's cold burst: one call of each of 8 plugins, then their 64 calls at once, each waiting 100 ms on its upstream. */
export async function ndColdBurst(): Promise<ColdBurst> {
  const upstream = await slowUpstream(UPSTREAM_MS);
  const names = Array.from({ length: PLUGINS }, (_, i) => `fetcher-${i}`);
  try {
    return await withManager(Object.fromEntries(names.map((name) => [name, "fetcher"])), {}, async (manager) => {
      for (const name of names) await biography(manager, name, `${upstream.origin}/${name}/first`);
      gcNow();
      const before = process.memoryUsage().rss;
      let peakRss = before;
      let peakThreads = 0;
      const sample = () => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        peakThreads = Math.max(peakThreads, manager.poolStats().threads);
      };
      const sampler = setInterval(sample, 5);
      const start = performance.now();
      await Promise.all(names.flatMap((name) => Array.from({ length: CALLS_PER_PLUGIN }, (_, i) => biography(manager, name, `${upstream.origin}/${name}/${i}`))));
      const millis = performance.now() - start;
      clearInterval(sampler);
      sample();
      return { millis, rssGrowthBytes: peakRss - before, peakThreads };
    });
  } finally {
    await upstream.close();
  }
}

export interface HeadOfLine {
  p50Millis: number;
  p99Millis: number;
  samples: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Latency of plugin B's in-memory call, one at a time, while plugin A has 8 calls hung on an upstream or in endless loops. */
export async function ndHeadOfLine(blocker: "hung" | "runaway", samples = 100): Promise<HeadOfLine> {
  const upstream = await slowUpstream(Infinity);
  try {
    return await withManager({ a: blocker === "hung" ? "fetcher" : "runaway", b: "echo" }, { callTimeoutMs: 60_000 }, async (manager) => {
      const blocked = Array.from({ length: CALLS_PER_PLUGIN }, (_, i) => biography(manager, "a", `${upstream.origin}/${i}`).catch(() => undefined));
      while (blocker === "hung" ? upstream.counts.arrived < CALLS_PER_PLUGIN : manager.poolStats().busy < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      const latencies: number[] = [];
      for (let i = 0; i < samples; i++) {
        const start = performance.now();
        await biography(manager, "b", `sample-${i}`);
        latencies.push(performance.now() - start);
      }
      void Promise.all(blocked);
      latencies.sort((x, y) => x - y);
      return { p50Millis: percentile(latencies, 50), p99Millis: percentile(latencies, 99), samples };
    });
  } finally {
    await upstream.close();
  }
}

/** Resident memory each thread beyond the CPU slots adds: 64 calls parked in host calls, against the idle pool. */
export async function ndMemoryPerExtraThread(): Promise<{ bytesPerThread: number; threads: number }> {
  const upstream = await slowUpstream(Infinity);
  const names = Array.from({ length: PLUGINS }, (_, i) => `fetcher-${i}`);
  try {
    return await withManager(Object.fromEntries(names.map((name) => [name, "fetcher"])), { callTimeoutMs: 60_000 }, async (manager) => {
      gcNow();
      const before = process.memoryUsage().rss;
      const baseThreads = manager.poolStats().threads;
      const parked = names.flatMap((name) => Array.from({ length: CALLS_PER_PLUGIN }, (_, i) => biography(manager, name, `${upstream.origin}/${name}/${i}`).catch(() => undefined)));
      while (upstream.counts.arrived < PLUGINS * CALLS_PER_PLUGIN) await new Promise((resolve) => setTimeout(resolve, 20));
      gcNow();
      const { threads } = manager.poolStats();
      const bytesPerThread = (process.memoryUsage().rss - before) / (threads - baseThreads);
      void Promise.all(parked);
      return { bytesPerThread, threads };
    });
  } finally {
    await upstream.close();
  }
}

/**
 * The Extism peer doing the slow-upstream work: one plugin per nd plugin, each in its own
 * worker (runInWorker, the only mode with http_request), one call at a time per plugin.
 */
export async function peerSlowUpstream(): Promise<SlowUpstreamRun> {
  const upstream = await slowUpstream(UPSTREAM_MS);
  const wasm = readFileSync(PEER_WASM);
  const plugins = await Promise.all(
    Array.from({ length: PLUGINS }, () => createPlugin({ wasm: [{ data: wasm }], allowedHosts: ["127.0.0.1"] }, { useWasi: false, runInWorker: true })),
  );
  try {
    const storm = () =>
      Promise.all(
        plugins.map(async (plugin, p) => {
          for (let i = 0; i < CALLS_PER_PLUGIN; i++) await plugin.call("fetch", `${upstream.origin}/${p}/${i}`);
        }),
      );
    return await timeStorms(storm);
  } finally {
    await Promise.all(plugins.map((plugin) => plugin.close()));
    await upstream.close();
  }
}

/** The peer's head-of-line run: plugin B's calls while plugin A (its own worker) waits on a hung upstream. */
export async function peerHeadOfLineHung(samples = 100): Promise<HeadOfLine> {
  const upstream = await slowUpstream(Infinity);
  const wasm = readFileSync(PEER_WASM);
  const manifest = { wasm: [{ data: wasm }], allowedHosts: ["127.0.0.1"] };
  const [a, b] = await Promise.all([0, 1].map(() => createPlugin(manifest, { useWasi: false, runInWorker: true })));
  try {
    void a!.call("fetch", `${upstream.origin}/hung`).catch(() => undefined);
    while (upstream.counts.arrived < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const start = performance.now();
      await b!.call("biography", `sample-${i}`);
      latencies.push(performance.now() - start);
    }
    latencies.sort((x, y) => x - y);
    return { p50Millis: percentile(latencies, 50), p99Millis: percentile(latencies, 99), samples };
  } finally {
    await upstream.close();
    await Promise.all([a!.close(), b!.close()]);
  }
}

await runAloneWhenMain(import.meta.url, {
  coldBurst: ndColdBurst,
  slowUpstream: ndSlowUpstream,
  headOfLineHung: () => ndHeadOfLine("hung"),
  memoryPerExtraThread: ndMemoryPerExtraThread,
});
