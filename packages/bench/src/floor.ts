import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MessageChannel, Worker } from "node:worker_threads";
import { api, unpackPtrLen } from "@nd/protocol";
import { latencyMicros, median } from "./stats.js";

// Resolved from the package root, so the same path works from src/ and from the compiled out/.
const workerUrl = (name: string) => new URL(`../src/workers/${name}`, import.meta.url);

/**
 * The as-echo module called straight from JavaScript on this thread: malloc, encode, call,
 * decode, free. No sandbox, no pool, no deadline.
 */
export function bareEchoCall(asEchoFolder: string): (name: string) => string {
  const module = new WebAssembly.Module(readFileSync(join(asEchoFolder, "plugin.wasm")));
  const unused = () => {
    throw new Error("no host calls in the floor measurement");
  };
  const instance = new WebAssembly.Instance(module, { env: { abort: unused, get_string: unused, set_string: unused } });
  const exports = instance.exports as {
    memory: WebAssembly.Memory;
    malloc(size: number): number;
    free(ptr: number): void;
    metadata_agent_get_artist_biography(ptr: number, len: number): bigint;
    _initialize?(): void;
  };
  exports._initialize?.();
  return (name) => {
    const request = api.ArtistBiographyRequest.encode({ id: "", name, mbid: "" }).finish();
    const ptr = exports.malloc(request.length);
    new Uint8Array(exports.memory.buffer, ptr, request.length).set(request);
    const result = unpackPtrLen(exports.metadata_agent_get_artist_biography(ptr, request.length));
    exports.free(ptr);
    const bytes = new Uint8Array(exports.memory.buffer, result.ptr, result.len).slice();
    exports.free(result.ptr);
    return api.ArtistBiographyResponse.decode(bytes).biography;
  };
}

/** Median microseconds of one postMessage round trip to a worker that echoes. */
export async function workerRoundTripMicros(): Promise<number> {
  const worker = new Worker(workerUrl("echo-worker.mjs"));
  const roundTrip = () =>
    new Promise<void>((resolve) => {
      worker.once("message", () => resolve());
      worker.postMessage(1);
    });
  const micros = await latencyMicros(roundTrip, { samples: 300, batch: 20 });
  await worker.terminate();
  return micros;
}

/** Median microseconds of one naive bridge call (Atomics.wait + MessagePort), timed inside the worker. */
export async function naiveBridgeMicros(): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  const worker = new Worker(workerUrl("bridge-worker.mjs"), { workerData: { port: port2, signal }, transferList: [port2] });
  port1.on("message", (i: number) => {
    port1.postMessage(i);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
  const samples: number[] = [];
  for (let s = 0; s < 30; s++) {
    samples.push(
      await new Promise<number>((resolve) => {
        worker.once("message", resolve);
        worker.postMessage({ calls: 200 });
      }),
    );
  }
  port1.close();
  await worker.terminate();
  return median(samples.slice(5));
}
