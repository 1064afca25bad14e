import { once } from "node:events";
import { Worker } from "node:worker_threads";
import type { SharedCacheHandle } from "../../src/index.js";

const script = new URL("./cache-worker.mjs", import.meta.url);

/** What cache-worker.mjs does. */
export type WorkerTask =
  | { task: "serve" }
  | { task: "hammer"; options: { iterations: number; seed: number } }
  | { task: "setForever"; valueBytes: number };

export function cacheWorker(handle: SharedCacheHandle, task: WorkerTask): Worker {
  return new Worker(script, { workerData: { handle, ...task } });
}

export interface WorkerAnswer {
  response: Uint8Array;
  /** How long the call took in the worker. */
  ms: number;
}

/** A worker serving cache calls one at a time; `call` rejects with the worker's error name and kind. */
export async function servingWorker(handle: SharedCacheHandle) {
  const worker = cacheWorker(handle, { task: "serve" });
  await once(worker, "message");
  return {
    worker,
    call(importName: string, request: Uint8Array): Promise<WorkerAnswer> {
      const answer = once(worker, "message").then(([message]) => {
        if (message.error) throw Object.assign(new Error(message.error.message), message.error);
        return message as WorkerAnswer;
      });
      worker.postMessage({ importName, request });
      return answer;
    },
  };
}
