import { parentPort, workerData } from "node:worker_threads";
import { HostBridge } from "./host-bridge.js";
import type { CallOutcome, CallTask, FromWorker, PluginImage, ToWorker, WorkerSetup } from "./messages.js";
import { PluginInstance } from "./plugin-instance.js";

/**
 * A worker thread that runs plugin code, one call at a time. It keeps each
 * plugin's image and at most one idle instance per plugin, dropped after the idle TTL.
 */
const setup = workerData as WorkerSetup;
const port = parentPort!;
const bridge = new HostBridge(setup.hostCallPort, setup.signal);
const images = new Map<string, PluginImage>();
const idle = new Map<string, PluginInstance>();

port.on("message", (task: ToWorker) => {
  if (task.type === "drop") {
    images.delete(task.pluginId);
    idle.delete(task.pluginId);
    return;
  }
  post({ type: "result", outcome: runCall(task) });
});

setInterval(dropExpiredInstances, Math.max(1000, setup.idleTtlMs / 2)).unref();

function runCall(task: CallTask): CallOutcome {
  if (task.image) images.set(task.pluginId, task.image);
  const image = images.get(task.pluginId);
  if (!image) return { type: "trap", message: `worker has no module for plugin ${task.pluginId}` };
  const instance = takeInstance(image);
  if ("type" in instance) return instance;
  const outcome = instance.call(task.exportName, task.request, task.hostCallTimeoutMs);
  if (instance.healthy) idle.set(task.pluginId, instance);
  return outcome;
}

function takeInstance(image: PluginImage): PluginInstance | CallOutcome {
  const reusable = idle.get(image.pluginId);
  if (reusable) {
    idle.delete(image.pluginId);
    return reusable;
  }
  try {
    return new PluginInstance(image, bridge, (stream, line) =>
      post({ type: "log", pluginName: image.pluginName, stream, line }),
    );
  } catch (error) {
    return { type: "trap", message: `could not start an instance: ${(error as Error).message}` };
  }
}

function dropExpiredInstances(): void {
  const cutoff = Date.now() - setup.idleTtlMs;
  for (const [pluginId, instance] of idle) {
    if (instance.lastUsed < cutoff) idle.delete(pluginId);
  }
}

function post(message: FromWorker): void {
  port.postMessage(message);
}
