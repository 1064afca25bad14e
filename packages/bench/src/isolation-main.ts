// Runs the isolation benchmarks alone (the full run, main.ts, includes them): node out/isolation-main.js
import { ndHeadOfLine, ndMemoryPerExtraThread, ndSlowUpstream, peerHeadOfLineHung, peerSlowUpstream } from "./isolation.js";

const ms = (value: number) => `${value.toFixed(1)} ms`;
const nd = await ndSlowUpstream();
console.log(`nd slow upstream (64 calls / 8 plugins / 100 ms): cold ${ms(nd.coldMillis)}, warm ${ms(nd.warmMillis)} (ideal ${nd.idealMillis} ms)`);
const peer = await peerSlowUpstream();
console.log(`extism runInWorker slow upstream: cold ${ms(peer.coldMillis)}, warm ${ms(peer.warmMillis)}`);
for (const blocker of ["hung", "runaway"] as const) {
  const hol = await ndHeadOfLine(blocker);
  console.log(`nd head-of-line, A ${blocker}: B p50 ${ms(hol.p50Millis)}, p99 ${ms(hol.p99Millis)}`);
}
const peerHol = await peerHeadOfLineHung();
console.log(`extism head-of-line, A hung: B p50 ${ms(peerHol.p50Millis)}, p99 ${ms(peerHol.p99Millis)}`);
const memory = await ndMemoryPerExtraThread();
console.log(`nd memory per extra thread: ${(memory.bytesPerThread / 1024 / 1024).toFixed(1)} MiB (${memory.threads} threads)`);
