// Runs the generation-2 call-cost figures alone (issue 18), beside generation 1 and the bare
// reference: `node out/gen2-alone.js [latency|throughput]`.
import { loadavg } from "node:os";
import { PluginManager } from "@nd/runtime";
import { bareGen2BiographyMicros, ndGen2BiographyMicros, ndGen2Throughput } from "./gen2.js";
import { ndThroughput } from "./nd.js";
import { echoFolder } from "./plugin-folders.js";
import { WARM_UP_CALLS, latencyMicros } from "./stats.js";

const say = (line: string) => console.log(line);
const us = (value: number) => `${value.toFixed(1)} µs`;
const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;

/** as-echo's GetArtistBiography, warm, one call at a time, 1 worker (as the full benchmark measures it). */
async function gen1BiographyMicros(): Promise<number> {
  const manager = new PluginManager({ folder: echoFolder(), workers: 1, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  await manager.start();
  try {
    const call = () => manager.call("as-echo", "MetadataAgent", "GetArtistBiography", { name: "Nina Simone" });
    return await latencyMicros(call, { samples: 2_000, warmup: WARM_UP_CALLS });
  } finally {
    await manager.close();
  }
}

const part = process.argv[2];
say(load());
if (part !== "throughput") {
  const gen2 = await ndGen2BiographyMicros();
  const gen1 = await gen1BiographyMicros();
  say(`latency: generation 2 ${us(gen2)}, generation 1 ${us(gen1)}: gen2/gen1 ${(gen2 / gen1).toFixed(2)}× (target ≤ 1.50×)`);
  say(`bare reference: fresh instance ${us(await bareGen2BiographyMicros())}, reused ${us(await bareGen2BiographyMicros(300, true))}`);
}
if (part !== "latency") {
  const gen2 = await ndGen2Throughput();
  const gen1 = (await ndThroughput(1, 20_000)).callsPerSecond;
  say(`throughput, 64 in flight, 1 worker: generation 2 ${gen2.toFixed(0)} calls/s, generation 1 ${gen1.toFixed(0)} calls/s: gen1/gen2 ${(gen1 / gen2).toFixed(2)}×`);
}
say(load());
