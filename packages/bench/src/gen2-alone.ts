// Runs the generation-2 call-cost figures alone (issue 18), beside generation 1 and the bare
// reference: `node out/gen2-alone.js [latency|throughput]`. On a shared machine the load
// changes from second to second, so the two generations are measured in alternating blocks
// of calls, each block's µs per call kept, and the medians compared.
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { PluginManager } from "@nd/runtime";
import { bareGen2BiographyMicros, ndGen2Throughput } from "./gen2.js";
import { peerEchoFolder } from "./gen2-plugins.js";
import { ndThroughput } from "./nd.js";
import { echoFolder } from "./plugin-folders.js";
import { WARM_UP_CALLS, latencyMicros, median } from "./stats.js";

const BLOCKS = 15;
const CALLS_PER_BLOCK = 500;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const say = (line: string) => console.log(line);
const us = (value: number) => `${value.toFixed(1)} µs`;
const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;

async function started(folder: string): Promise<PluginManager> {
  const manager = new PluginManager({ folder, workers: 1, logger: quiet });
  await manager.start();
  return manager;
}

/** Median µs per call of each generation's biography, one call at a time, 1 worker each, in alternating blocks. */
async function alternatingLatency(): Promise<{ gen1: number; gen2: number }> {
  const folders = { gen1: echoFolder(), gen2: peerEchoFolder() };
  const gen1 = await started(folders.gen1);
  const gen2 = await started(folders.gen2);
  try {
    const calls = {
      gen1: () => gen1.call("as-echo", "MetadataAgent", "GetArtistBiography", { name: "Nina Simone" }),
      gen2: () => gen2.callExport("peer-echo", "biography", "Nina Simone"),
    };
    const blocks = { gen1: [] as number[], gen2: [] as number[] };
    for (const generation of ["gen1", "gen2"] as const) await latencyMicros(calls[generation], { samples: 1, warmup: WARM_UP_CALLS });
    for (let block = 0; block < BLOCKS; block++) {
      for (const generation of ["gen1", "gen2"] as const) {
        blocks[generation].push(await latencyMicros(calls[generation], { samples: 1, batch: CALLS_PER_BLOCK, warmup: 0 }));
      }
    }
    return { gen1: median(blocks.gen1), gen2: median(blocks.gen2) };
  } finally {
    await Promise.all([gen1.close(), gen2.close()]);
    for (const folder of Object.values(folders)) rmSync(folder, { recursive: true, force: true });
  }
}

const part = process.argv[2];
say(load());
if (part !== "throughput") {
  const { gen1, gen2 } = await alternatingLatency();
  say(`latency, one call at a time: generation 2 ${us(gen2)}, generation 1 ${us(gen1)}: gen2/gen1 ${(gen2 / gen1).toFixed(2)}× (target ≤ 1.50×)`);
  say(`bare reference: fresh instance ${us(await bareGen2BiographyMicros())}, reused ${us(await bareGen2BiographyMicros(300, true))}`);
}
if (part !== "latency") {
  const gen2 = await ndGen2Throughput();
  const gen1 = (await ndThroughput(1, 20_000)).callsPerSecond;
  say(`throughput, 64 in flight, 1 worker: generation 2 ${gen2.toFixed(0)} calls/s, generation 1 ${gen1.toFixed(0)} calls/s: gen1/gen2 ${(gen1 / gen2).toFixed(2)}×`);
}
say(load());
