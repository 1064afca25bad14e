import { receiveMessageOnPort, workerData } from "node:worker_threads";
import { encodeOutcome } from "../channel/outcomes.js";
import { WorkerChannel } from "../channel/worker-channel.js";
import { HostBridge } from "./host-bridge.js";
import { hostFunctions } from "./host-functions.js";
import type { RingMessage } from "../channel/byte-ring.js";
import type { CallOutcome, CallTask, ControlMessage, LogLine, PluginImage, WorkerSetup } from "./messages.js";
import { keepsIdle, relieveMemory } from "./idle-memory.js";
import { PluginInstance } from "./plugin-instance.js";

/**
 * A worker thread that runs plugin code, one call at a time, taking calls from the
 * channel's ring as long as the manager has staged some. It sleeps on the channel when
 * none is waiting, so it never returns to its event loop; plugin images arrive on the
 * control port. It keeps at most one idle instance per plugin, dropped after the idle TTL.
 */
const setup = workerData as WorkerSetup;
const channel = new WorkerChannel(setup.channel, setup.spin);
const bridge = new HostBridge(channel);
const images = new Map<string, PluginImage>();
const idle = new Map<string, PluginInstance>();
const routes = new Map<number, { readonly pluginId: string; readonly exportName: string }>();
const sweepEveryMs = Math.max(1000, setup.idleTtlMs / 2);

const nap = new Int32Array(new SharedArrayBuffer(4));
let controlSeen = 0;

for (;;) {
  const call = channel.calls.read();
  if (call) {
    if (channel.controlCount !== controlSeen) applyControlMessages();
    const task = callTask(call);
    writeResult(encodeOutcome(task ? runCall(task) : { type: "trap", message: `worker has no route ${call.kind >> 1}` }));
    relieveMemory(idle);
  } else if (channel.waitForCall(sweepEveryMs) === "timed-out") {
    applyControlMessages();
    dropExpiredInstances();
  }
}

/** A call record's kind is its route number times two, plus one when a request follows. */
function callTask({ kind, payload }: RingMessage): CallTask | undefined {
  const route = routes.get(kind >> 1);
  return route && { pluginId: route.pluginId, exportName: route.exportName, request: kind & 1 ? payload : undefined };
}

/** The manager stages at most as many calls as the ring holds results, so a full ring only means it is catching up. */
function writeResult({ kind, payload }: RingMessage): void {
  while (!channel.results.write(kind, payload)) Atomics.wait(nap, 0, 0, 1);
  channel.signal();
}

function applyControlMessages(): void {
  controlSeen = channel.controlCount;
  for (let entry = receiveMessageOnPort(setup.control); entry; entry = receiveMessageOnPort(setup.control)) {
    const message = entry.message as ControlMessage;
    if (message.type === "image") {
      images.set(message.image.pluginId, message.image);
    } else if (message.type === "route") {
      routes.set(message.route, { pluginId: message.pluginId, exportName: message.exportName });
    } else {
      forget(message.pluginId);
    }
  }
}

function forget(pluginId: string): void {
  images.delete(pluginId);
  idle.delete(pluginId);
  for (const [route, target] of routes) if (target.pluginId === pluginId) routes.delete(route);
}

function runCall(task: CallTask): CallOutcome {
  const image = images.get(task.pluginId);
  if (!image) return { type: "trap", message: `worker has no module for plugin ${task.pluginId}` };
  const instance = takeInstance(image);
  if ("type" in instance) return instance;
  const outcome = instance.call(task.exportName, task.request);
  if (keepsIdle(instance, image)) idle.set(task.pluginId, instance);
  return outcome;
}

function takeInstance(image: PluginImage): PluginInstance | CallOutcome {
  const reusable = idle.get(image.pluginId);
  if (reusable) {
    idle.delete(image.pluginId);
    return reusable;
  }
  try {
    return new PluginInstance(image, hostFunctions(image, bridge), (stream, line) =>
      postLog({ type: "log", pluginName: image.pluginName, stream, line }),
    );
  } catch (error) {
    return { type: "trap", message: `could not start an instance: ${(error as Error).message}` };
  }
}

function postLog(line: LogLine): void {
  setup.logs.postMessage(line);
  channel.markLog();
}

function dropExpiredInstances(): void {
  const cutoff = Date.now() - setup.idleTtlMs;
  for (const [pluginId, instance] of idle) {
    if (instance.lastUsed < cutoff) idle.delete(pluginId);
  }
}
