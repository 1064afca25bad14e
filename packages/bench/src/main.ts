// Runs every benchmark once, prints medians and ratios, and writes results.json, chart.svg and chart-before-after.svg.
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { bareEcho, naiveBridgeMicros, workerRoundTripMicros } from "./floor.js";
import { ndHostCallMicros, ndLatency, ndMemory, ndStartUp, ndThroughput, type StartUp } from "./nd.js";
import { AS_ECHO_FOLDER } from "./plugin-folders.js";
import { peer, type PeerResult } from "./peer.js";
import { ndColdBurst, ndHeadOfLine, ndMemoryPerExtraThread, ndSlowUpstream, peerHeadOfLineHung, peerSlowUpstream } from "./isolation.js";
import { reportGen2AndStore } from "./gen2-report.js";
import { processStart } from "./process-start.js";
import { resultsChart, type Isolation } from "./results-chart.js";
import { beforeAfter, beforeAfterChart, beforeAfterTable } from "./before-after.js";
import { latencyMicros, mib } from "./stats.js";

const say = (line: string) => console.log(line);
const us = (value: number | undefined) => (value === undefined ? "failed" : `${value.toFixed(1)} µs`);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? "n/a" : `${(a / b).toFixed(2)}×`;

say(`machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, node ${process.version}`);
if (!(globalThis as { gc?: unknown }).gc) say("(no --expose-gc: memory figures include garbage not yet collected)");

say("\n## floor");
const bare = bareEcho(AS_ECHO_FOLDER);
if (bare.biography("Nina Simone") !== "bio of Nina Simone") throw new Error("the bare call answered wrongly");
const floor = {
  bareCallMicros: await latencyMicros(() => bare.biography("Nina Simone"), { samples: 300, batch: 200 }),
  bareImagesMicros: await latencyMicros(() => bare.images("Nina Simone"), { samples: 300, batch: 200 }),
  workerRoundTripMicros: await workerRoundTripMicros(),
  naiveBridgeMicros: await naiveBridgeMicros(),
};
const floorSumImages = floor.workerRoundTripMicros + 2 * floor.naiveBridgeMicros + floor.bareImagesMicros;
say(`bare JS→Wasm GetArtistBiography: ${us(floor.bareCallMicros)}`);
say(`bare JS→Wasm GetArtistImages (its 2 cache calls answered in-thread from a Map): ${us(floor.bareImagesMicros)}`);
say(`worker round trip: ${us(floor.workerRoundTripMicros)}`);
say(`naive host-call bridge (Atomics.wait + MessagePort): ${us(floor.naiveBridgeMicros)}`);
say(`floor sum for GetArtistImages (round trip + 2 bridges + bare call): ${us(floorSumImages)}`);

say("\n## nd (@nd/runtime, as-echo, 1 worker)");
const nd = await ndLatency();
const hostCallMicros = await ndHostCallMicros();
say(`GetArtistBiography warm: ${us(nd.biographyMicros)} (${ratio(nd.biographyMicros, floor.workerRoundTripMicros + floor.bareCallMicros)} of round trip + bare call)`);
say(`GetArtistImages (2 cache host calls): ${us(nd.imagesMicros)} (${ratio(nd.imagesMicros, floorSumImages)} of the floor sum)`);
say(`one cache get from inside a plugin (cache-loop plugin: 100 gets − none, / 100): ${us(hostCallMicros)} (${ratio(hostCallMicros, floor.naiveBridgeMicros)} of a naive bridge)`);
say(`100 KiB response (echoing a 100 KiB name): ${us(nd.bigResponseMicros)}`);

say("\n## nd, the same plugin in Go (go-echo, Go's wasip1 build, 1 worker)");
const ndGo = await ndLatency("go-echo");
say(`GetArtistBiography warm: ${us(ndGo.biographyMicros)} (${ratio(ndGo.biographyMicros, nd.biographyMicros)} of as-echo)`);
say(`GetArtistImages (2 cache host calls): ${us(ndGo.imagesMicros)} (${ratio(ndGo.imagesMicros, nd.imagesMicros)} of as-echo)`);
say(`100 KiB response (echoing a 100 KiB name): ${us(ndGo.bigResponseMicros)}`);

say("\n## peer (@extism/extism 2.0.0-rc13, @extism/as-pdk 1.0.0)");
const peers: PeerResult[] = [];
for (const runInWorker of [false, true]) {
  try {
    peers.push(await peer(runInWorker));
  } catch (error) {
    say(`extism ${runInWorker ? "runInWorker" : "in-thread"} failed: ${(error as Error).message}`);
  }
}
for (const p of peers) {
  say(`extism ${p.mode}: biography ${us(p.biographyMicros)}, images ${us(p.imagesMicros)}, 100 KiB ${us(p.bigResponseMicros)}, ${p.callsPerSecond?.toFixed(0) ?? "failed"} calls/s`);
  for (const failure of p.failures) say(`  failed: ${failure}`);
}
const inThread = peers.find((p) => p.mode === "in-thread");
const inWorker = peers.find((p) => p.mode === "runInWorker");

const gen2 = await reportGen2AndStore(say, {
  biographyMicros: nd.biographyMicros,
  hostCallMicros,
  configCallMicros: await ndHostCallMicros("GetSimilarArtists"),
  artworkCallMicros: await ndHostCallMicros("GetArtistTopSongs"),
  naiveBridgeMicros: floor.naiveBridgeMicros,
  extismBiographyMicros: inThread?.biographyMicros,
});

say("\n## throughput (GetArtistBiography, 64 calls in flight, all handed to the pool: up to 8 staged per worker)");
const workerCounts = [...new Set([1, 2, cpus().length])];
const callsPerSecond: Record<number, number> = {};
const managerMicrosPerCall: Record<number, number> = {};
for (const workers of workerCounts) {
  const result = await ndThroughput(workers);
  callsPerSecond[workers] = result.callsPerSecond;
  managerMicrosPerCall[workers] = result.managerMicrosPerCall;
  say(`nd, ${workers} worker(s): ${result.callsPerSecond.toFixed(0)} calls/s; manager's thread busy ${us(result.managerMicrosPerCall)} per call`);
}

say("\n## start-up (copies of as-echo, 2 workers)");
const startUps: StartUp[] = [];
for (const plugins of [1, 10, 50]) {
  const result = await ndStartUp(plugins);
  startUps.push(result);
  say(`${plugins} plugin(s) ready in ${result.readyMillis.toFixed(1)} ms; first call of a fresh plugin ${result.firstCallMillis.toFixed(2)} ms`);
}

say("\n## process start to one plugin's first answer (as-echo; medians of 7 processes)");
const started = processStart();
say(`node -e 0: ${started.bareNodeMillis.toFixed(1)} ms; first answer: ${started.firstAnswerMillis.toFixed(1)} ms (+${(started.firstAnswerMillis - started.bareNodeMillis).toFixed(1)} ms), rss then ${mib(started.firstAnswerRssBytes).toFixed(1)} MiB`);

say("\n## memory (rss and heap, after GC)");
const memory = await ndMemory();
say(`per loaded plugin (rss): ${(memory.perLoadedPluginBytes / 1024).toFixed(0)} KiB`);
say(`per pooled instance (rss, after one call of each of 50 plugins): ${(memory.perPooledInstanceBytes / 1024).toFixed(0)} KiB`);
say(`100k calls: heap ${mib(memory.heapBefore100kBytes).toFixed(1)} → ${mib(memory.heapAfter100kBytes).toFixed(1)} MiB, rss ${mib(memory.rssBefore100kBytes).toFixed(1)} → ${mib(memory.rssAfter100kBytes).toFixed(1)} MiB`);

say("\n## isolation (issue 11; 2 CPU slots)");
const optional = async <T>(label: string, measure: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await measure();
  } catch (error) {
    say(`${label} failed: ${(error as Error).message}`);
    return undefined;
  }
};
const isolation: Isolation = {
  ndSlowUpstream: await ndSlowUpstream(),
  peerSlowUpstream: await optional("extism slow upstream", peerSlowUpstream),
  ndHeadOfLineHung: await ndHeadOfLine("hung"),
  ndHeadOfLineRunaway: await ndHeadOfLine("runaway"),
  peerHeadOfLineHung: await optional("extism head-of-line", peerHeadOfLineHung),
  bytesPerExtraThread: (await ndMemoryPerExtraThread()).bytesPerThread,
};
const coldBurst = await ndColdBurst();
const ms = (value: number | undefined) => (value === undefined ? "failed" : `${value.toFixed(1)} ms`);
say(`cold burst (issue 17: one call per plugin, then 64 calls of 8 plugins, 100 ms upstream): ${ms(coldBurst.millis)}, rss +${mib(coldBurst.rssGrowthBytes).toFixed(1)} MiB, ${coldBurst.peakThreads} threads at its peak`);
say(`64 calls / 8 plugins / 100 ms upstream: nd ${ms(isolation.ndSlowUpstream.warmMillis)} (first storm ${ms(isolation.ndSlowUpstream.coldMillis)}), extism runInWorker ${ms(isolation.peerSlowUpstream?.warmMillis)}, ideal 100 ms`);
say(`B while A hangs on an upstream: nd p50 ${ms(isolation.ndHeadOfLineHung.p50Millis)} p99 ${ms(isolation.ndHeadOfLineHung.p99Millis)}; extism p50 ${ms(isolation.peerHeadOfLineHung?.p50Millis)} p99 ${ms(isolation.peerHeadOfLineHung?.p99Millis)}`);
say(`B while A runs 8 endless loops: nd p50 ${ms(isolation.ndHeadOfLineRunaway.p50Millis)} p99 ${ms(isolation.ndHeadOfLineRunaway.p99Millis)}`);
say(`memory per extra thread (rss): ${mib(isolation.bytesPerExtraThread).toFixed(1)} MiB`);

say("\n## ratios against the goals of issue 7");
say(`nd images / extism runInWorker images: ${ratio(nd.imagesMicros, inWorker?.imagesMicros)} (goal ≤ 0.2×)`);
say(`nd images / floor sum: ${ratio(nd.imagesMicros, floorSumImages)} (goal ≤ 1×)`);
say(`nd host call / naive bridge: ${ratio(hostCallMicros, floor.naiveBridgeMicros)} (goal ≤ 0.5×)`);
say(`nd 2 workers / extism in-thread throughput: ${ratio(callsPerSecond[2], inThread?.callsPerSecond)} (goal ≥ 1×)`);
say(`nd 2 workers / 1 worker throughput: ${ratio(callsPerSecond[2], callsPerSecond[1])} (goal ≥ 1.8×)`);

say("\n## execution model v3 (issue 17): before (Node 20, a thread per waiting call) and now");
const executionModel = beforeAfter({
  coldBurstMillis: coldBurst.millis,
  coldBurstRssGrowthBytes: coldBurst.rssGrowthBytes,
  warmBurstMillis: isolation.ndSlowUpstream.warmMillis,
  firstAnswerOverNodeMillis: started.firstAnswerMillis - started.bareNodeMillis,
  oneHostOnePluginRssBytes: started.firstAnswerRssBytes,
  fiftyPluginsReadyMillis: startUps.find((run) => run.plugins === 50)!.readyMillis,
  perLoadedPluginBytes: memory.perLoadedPluginBytes,
  biographyMicros: nd.biographyMicros,
  imagesMicros: nd.imagesMicros,
  hungHeadOfLineP99Millis: isolation.ndHeadOfLineHung.p99Millis,
  runawayHeadOfLineP99Millis: isolation.ndHeadOfLineRunaway.p99Millis,
});
for (const line of beforeAfterTable(executionModel)) say(line);

const results = {
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
  floor,
  nd,
  hostCallMicros,
  ndGo,
  gen2,
  peers,
  callsPerSecond,
  managerMicrosPerCall,
  startUps,
  memory,
  isolation,
  coldBurst,
  processStart: started,
  executionModel,
};
writeFileSync(new URL("../results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(new URL("../chart.svg", import.meta.url), resultsChart(results));
writeFileSync(new URL("../chart-before-after.svg", import.meta.url), beforeAfterChart(executionModel, process.version));
say("\nwrote results.json, chart.svg and chart-before-after.svg");
