import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker, type ResourceLimits, type TransferListItem } from "node:worker_threads";
import type { WorkerSetup } from "./worker/messages.js";

/** The worker thread's code: one script, built next to this module. */
const BUNDLE = new URL("./worker.cjs", import.meta.url);

/**
 * A thread compiles the bundle with the code the first thread compiled, when there is
 * some: it skips parsing it, so a thread starts sooner. The first thread (and one whose
 * code V8 refused, after a flag changed) sends back its code once its script has run.
 */
const BOOT = `"use strict";
const { Script } = require("node:vm");
const { workerData, parentPort } = require("node:worker_threads");
const { source, filename, cachedData } = workerData.code;
delete workerData.code;
const script = new Script(source, { filename, cachedData });
script.runInThisContext()(require);
if (!cachedData || script.cachedDataRejected) parentPort.postMessage({ codeCache: script.createCachedData() });
`;

/** What the boot script finds in workerData besides the setup. */
interface WorkerCode {
  readonly source: string;
  readonly filename: string;
  readonly cachedData?: Uint8Array;
}

let code: WorkerCode | undefined;
let cachedData: Uint8Array | undefined;

/** Starts a worker thread running the bundle with `setup` as its workerData. */
export function startWorker(setup: WorkerSetup, resourceLimits: ResourceLimits, transferList: TransferListItem[]): Worker {
  code ??= bundleCode();
  const worker = new Worker(BOOT, {
    eval: true,
    workerData: { ...setup, code: { ...code, cachedData } satisfies WorkerCode },
    resourceLimits,
    transferList,
  });
  worker.on("message", (message: { codeCache?: Uint8Array }) => {
    if (message.codeCache) cachedData = message.codeCache;
  });
  return worker;
}

/** The bundle as a function of `require`, so that V8 compiles it as one script. */
function bundleCode(): WorkerCode {
  const filename = fileURLToPath(BUNDLE);
  return { source: `(function (require) {${readFileSync(filename, "utf8")}\n})`, filename };
}
