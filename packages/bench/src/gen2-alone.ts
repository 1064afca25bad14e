// Runs the generation-2 call-cost figures alone (issue 18), beside generation 1 and the bare
// reference: `node out/gen2-alone.js [latency|throughput]`.
import { loadavg } from "node:os";
import { bareGen2BiographyMicros, biographyBesideGen1Micros, ndGen2Throughput } from "./gen2.js";
import { ndThroughput } from "./nd.js";

const say = (line: string) => console.log(line);
const us = (value: number) => `${value.toFixed(1)} µs`;
const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;

const part = process.argv[2];
say(load());
if (part !== "throughput") {
  const { gen1, gen2 } = await biographyBesideGen1Micros();
  say(`latency, one call at a time: generation 2 ${us(gen2)}, generation 1 ${us(gen1)}: gen2/gen1 ${(gen2 / gen1).toFixed(2)}× (target ≤ 1.50×)`);
  say(`bare reference: fresh instance ${us(await bareGen2BiographyMicros())}, reused ${us(await bareGen2BiographyMicros(300, true))}`);
}
if (part !== "latency") {
  const gen2 = await ndGen2Throughput();
  const gen1 = (await ndThroughput(1, 20_000)).callsPerSecond;
  say(`throughput, 64 in flight, 1 worker: generation 2 ${gen2.toFixed(0)} calls/s, generation 1 ${gen1.toFixed(0)} calls/s: gen1/gen2 ${(gen1 / gen2).toFixed(2)}×`);
}
say(load());
