// Run by process-start.ts in a fresh process: the floor of nd's design for a first answer, with
// none of nd. One worker thread is started; it compiles and instantiates as-echo's module
// (its imports answered by functions that do nothing) and calls the module's api_version
// export; the process then prints its rss.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { AS_ECHO_FOLDER } from "./plugin-folders.js";

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const module = new WebAssembly.Module(workerData);
const imports = {};
for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
  if (kind !== "function") throw new Error("as-echo imports a " + kind);
  (imports[from] ??= {})[name] = () => 0;
}
const instance = new WebAssembly.Instance(module, imports);
const version = Object.keys(instance.exports).find((name) => name.endsWith("api_version"));
parentPort.postMessage(instance.exports[version]());
`;

const wasm = readFileSync(join(AS_ECHO_FOLDER, "plugin.wasm"));
const worker = new Worker(WORKER, { eval: true, workerData: wasm });
await new Promise((resolve, reject) => {
  worker.once("message", resolve);
  worker.once("error", reject);
});
console.log(process.memoryUsage().rss);
await worker.terminate();
