// A worker thread that serves a plugin's cache calls itself, through the built light entry.
import { parentPort, workerData } from "node:worker_threads";
import { sharedCacheCalls } from "@nd/host-services/shared-cache";
import { cache } from "@nd/protocol";
import { hammer } from "./cache-hammer.mjs";

const call = sharedCacheCalls(workerData.handle);

const tasks = {
  /** Answers each `{ importName, request }` the parent posts with `{ response, ms }` or `{ error }`. */
  serve() {
    parentPort.on("message", ({ importName, request }) => {
      const started = performance.now();
      try {
        const response = call(importName, request);
        parentPort.postMessage({ response, ms: performance.now() - started });
      } catch (error) {
        parentPort.postMessage({ error: { name: error.name, kind: error.kind, message: error.message } });
      }
    });
    parentPort.postMessage("ready");
  },
  async hammer() {
    parentPort.postMessage(await hammer(call, workerData.options));
  },
  /** Stores a large value over and over until terminated: most of that time it holds the cache's lock. */
  setForever() {
    const value = new Uint8Array(workerData.valueBytes);
    const request = cache.SetBytesRequest.encode({ key: "big", value, ttlSeconds: 0n }).finish();
    parentPort.postMessage("started");
    for (;;) call("set_bytes", request);
  },
};

tasks[workerData.task]();
