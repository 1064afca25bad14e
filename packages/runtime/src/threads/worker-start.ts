import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { getCompileCacheDir } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, type ResourceLimits, type TransferListItem } from "node:worker_threads";
import type { WorkerSetup } from "./worker/messages.js";

/** The worker thread's code: one script, built next to this module. */
const BUNDLE = new URL("./worker.cjs", import.meta.url);

/**
 * A thread compiles the bundle with the code the first thread compiled, when there is
 * some: it skips parsing it, so a thread starts sooner. The first thread (and one whose
 * code V8 refused, after a flag changed) sends back its code once its script has run.
 * When the host turned Node's compile cache on, that code is also kept in the cache's
 * folder, so the first thread of the next process starts from it too. The boot script
 * reaches Node's modules through `process.getBuiltinModule`, so it runs the same whether the
 * host's evaluated code is CommonJS or a module (`--input-type=module`, which threads inherit).
 */
const BOOT = `"use strict";
const { Script } = process.getBuiltinModule("node:vm");
const { workerData, parentPort } = process.getBuiltinModule("node:worker_threads");
const { source, filename, cachedData } = workerData.code;
delete workerData.code;
const builtin = (id) => process.getBuiltinModule(id) ?? (() => { throw new Error("the worker bundle requires " + id + ", which is not built into Node"); })();
const script = new Script(source, { filename, cachedData });
script.runInThisContext()(builtin);
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
/** Where this bundle's code is kept between processes, when the host has a compile cache. */
let keptCodeFile: string | undefined;

/** Starts a worker thread running the bundle with `setup` as its workerData. */
export function startWorker(setup: WorkerSetup, resourceLimits: ResourceLimits, transferList: TransferListItem[]): Worker {
  if (!code) {
    code = bundleCode();
    keptCodeFile = keptCodeFileOf(code.filename);
    cachedData = keptCodeFile === undefined ? undefined : readKeptCode(keptCodeFile);
  }
  const worker = new Worker(BOOT, {
    eval: true,
    workerData: { ...setup, code: { ...code, cachedData } satisfies WorkerCode },
    resourceLimits,
    transferList,
  });
  worker.on("message", (message: { codeCache?: Uint8Array }) => {
    if (!message.codeCache) return;
    cachedData = message.codeCache;
    if (keptCodeFile !== undefined) keepCode(keptCodeFile, message.codeCache);
  });
  return worker;
}

/** A file in Node's compile cache folder named for this build of the bundle; none without a compile cache. */
function keptCodeFileOf(bundle: string): string | undefined {
  const folder = getCompileCacheDir();
  if (folder === undefined) return undefined;
  const { size, mtimeMs } = statSync(bundle);
  return join(folder, `nd-worker-${size}-${Math.trunc(mtimeMs)}.code`);
}

/** V8 checks the code against the source and the engine, and refuses what does not match. */
function readKeptCode(file: string): Uint8Array | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written whole or not at all; a cache that cannot be written is only a slower next start. */
function keepCode(file: string, codeCache: Uint8Array): void {
  const partial = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(partial, codeCache);
    renameSync(partial, file);
  } catch {
    // The folder is the host's cache: read-only or full, nd starts as if it had none.
  }
}

/** The bundle as a function of `require`, so that V8 compiles it as one script. */
function bundleCode(): WorkerCode {
  const filename = fileURLToPath(BUNDLE);
  return { source: `(function (require) {${readFileSync(filename, "utf8")}\n})`, filename };
}
