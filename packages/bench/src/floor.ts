import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MessageChannel, Worker } from "node:worker_threads";
import { HOST_SERVICES, api, packPtrLen, unpackPtrLen } from "@nd/protocol";
import { latencyMicros, median } from "./stats.js";

// Resolved from the package root, so the same path works from src/ and from the compiled out/.
const workerUrl = (name: string) => new URL(`../src/workers/${name}`, import.meta.url);

/** The as-echo module called straight from JavaScript on this thread. */
export interface BareEcho {
  biography(name: string): string;
  /** With its two cache calls answered in-thread from a Map (decode, look up, encode). */
  images(name: string): string;
}

/**
 * The floor of a call: malloc, encode, call, decode, free, with no sandbox, no pool, no
 * deadline, and host functions answered by plain JavaScript on the same thread.
 */
export function bareEcho(asEchoFolder: string): BareEcho {
  const module = new WebAssembly.Module(readFileSync(join(asEchoFolder, "plugin.wasm")));
  let exports: EchoExports;
  const memory = () => new Uint8Array(exports.memory.buffer);
  const hostFunction = (name: "get_string" | "set_string") => (ptr: number, len: number) => {
    const fn = HOST_SERVICES.cache.functions[name]!;
    const response = fn.responseType.encode(answerFromMap(name, fn.requestType.decode(memory().slice(ptr, ptr + len)))).finish();
    const out = exports.malloc(response.length);
    memory().set(response, out);
    return packPtrLen(out, response.length);
  };
  const abort = () => {
    throw new Error("the plugin aborted");
  };
  const env = { abort, get_string: hostFunction("get_string"), set_string: hostFunction("set_string") };
  exports = new WebAssembly.Instance(module, { env }).exports as unknown as EchoExports;
  exports._initialize?.();
  const call = (exportName: keyof EchoExports, request: Uint8Array) => {
    const ptr = exports.malloc(request.length);
    memory().set(request, ptr);
    const result = unpackPtrLen((exports[exportName] as (ptr: number, len: number) => bigint)(ptr, request.length));
    exports.free(ptr);
    const bytes = memory().slice(result.ptr, result.ptr + result.len);
    exports.free(result.ptr);
    return bytes;
  };
  return {
    biography: (name) =>
      api.ArtistBiographyResponse.decode(
        call("metadata_agent_get_artist_biography", api.ArtistBiographyRequest.encode({ id: "", name, mbid: "" }).finish()),
      ).biography,
    images: (name) =>
      api.ArtistImageResponse.decode(
        call("metadata_agent_get_artist_images", api.ArtistImageRequest.encode({ id: "", name, mbid: "" }).finish()),
      ).images[0]!.url,
  };
}

interface EchoExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  metadata_agent_get_artist_biography(ptr: number, len: number): bigint;
  metadata_agent_get_artist_images(ptr: number, len: number): bigint;
  _initialize?(): void;
}

const bareCache = new Map<string, string>();

function answerFromMap(name: "get_string" | "set_string", request: unknown): unknown {
  const { key, value } = request as { key: string; value?: string };
  if (name === "set_string") {
    bareCache.set(key, value ?? "");
    return { success: true };
  }
  const found = bareCache.get(key);
  return { exists: found !== undefined, value: found ?? "" };
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
