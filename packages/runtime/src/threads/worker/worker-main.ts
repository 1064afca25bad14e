import { receiveMessageOnPort, workerData } from "node:worker_threads";
import { encodeOutcome } from "../channel/outcomes.js";
import { SharedChannel, State, unpackFields } from "../channel/shared-channel.js";
import { HostBridge } from "./host-bridge.js";
import type { CallOutcome, CallTask, ControlMessage, LogLine, PluginImage, WorkerSetup } from "./messages.js";
import { PluginInstance } from "./plugin-instance.js";

/**
 * A worker thread that runs plugin code, one call at a time. It sleeps on the shared
 * channel until a call arrives, so it never returns to its event loop; plugin images
 * arrive on the control port. It keeps at most one idle instance per plugin, dropped
 * after the idle TTL.
 */
const setup = workerData as WorkerSetup;
const channel = new SharedChannel(setup.channel, setup.spin);
const bridge = new HostBridge(channel);
const images = new Map<string, PluginImage>();
const idle = new Map<string, PluginInstance>();
const sweepEveryMs = Math.max(1000, setup.idleTtlMs / 2);

for (;;) {
  const state = channel.state;
  if (state === State.Call) {
    applyControlMessages();
    const { kind, payload } = encodeOutcome(runCall(readCall()));
    channel.send(State.Result, kind, payload);
    channel.spin((next) => next !== State.Call);
  } else if (channel.waitWhile(state, sweepEveryMs) === "timed-out") {
    applyControlMessages();
    dropExpiredInstances();
  }
}

function readCall(): CallTask {
  const { kind, payload } = channel.receive();
  const { strings, bytes } = unpackFields(payload, 2);
  return { pluginId: strings[0]!, exportName: strings[1]!, request: kind === 1 ? bytes : undefined };
}

function applyControlMessages(): void {
  for (let entry = receiveMessageOnPort(setup.control); entry; entry = receiveMessageOnPort(setup.control)) {
    const message = entry.message as ControlMessage;
    if (message.type === "image") {
      images.set(message.image.pluginId, message.image);
    } else {
      images.delete(message.pluginId);
      idle.delete(message.pluginId);
    }
  }
}

function runCall(task: CallTask): CallOutcome {
  const image = images.get(task.pluginId);
  if (!image) return { type: "trap", message: `worker has no module for plugin ${task.pluginId}` };
  const instance = takeInstance(image);
  if ("type" in instance) return instance;
  const outcome = instance.call(task.exportName, task.request);
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
      setup.logs.postMessage({ type: "log", pluginName: image.pluginName, stream, line } satisfies LogLine),
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
