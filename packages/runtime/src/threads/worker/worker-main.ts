import { receiveMessageOnPort, workerData } from "node:worker_threads";
import { gen2 } from "@nd/protocol";
import type { RingMessage } from "../channel/byte-ring.js";
import { encodeOutcome } from "../channel/outcomes.js";
import { WorkerChannel } from "../channel/worker-channel.js";
import { HostBridge } from "./host-bridge.js";
import { hostFunctions } from "./host-functions.js";
import { Gen2Instance } from "./gen2/gen2-instance.js";
import { SpareInstances } from "./gen2/spare-instances.js";
import { OwnMemories } from "./gen2/own-memories.js";
import type { KernelLogLevel } from "./gen2/log-levels.js";
import type { ImportWatch } from "./gen2/import-watch.js";
import type { CallOutcome, CallTask, ControlMessage, Gen2Image, LogLine, PluginImage, WorkerSetup } from "./messages.js";
import { keepsIdle, noteDropped, relieveMemory } from "./idle-memory.js";
import { IdleInstances } from "./idle-instances.js";
import { assertJspi } from "./jspi.js";
import { PluginInstance, type LogWriter } from "./plugin-instance.js";

/**
 * A worker thread that runs plugin code. It takes records from the channel's work ring in
 * order: a call to begin, or a host reply for a call whose stack is suspended. It runs
 * each until it settles (the call returns, or its stack suspends in a host call), so one
 * stack runs at a time while any number wait. It sleeps on the channel when the ring is
 * empty; plugin images arrive on the control port.
 */
assertJspi();
const setup = workerData as WorkerSetup;
const channel = new WorkerChannel(setup.channel, setup.spin);
const images = new Map<string, PluginImage>();
const idle = new IdleInstances();
const spares = new SpareInstances();
const memories = new OwnMemories();
const routes = new Map<number, { readonly pluginId: string; readonly exportName: string }>();
const sweepEveryMs = Math.max(1000, setup.idleTtlMs / 2);
/** Microtask turns to wait for a resumed stack to settle before yielding to the event loop. */
const MICROTASK_TURNS = 64;

const nap = new Int32Array(new SharedArrayBuffer(4));
let controlSeen = 0;
/** Records written to the manager: each work record ends in exactly one. */
let written = 0;
/** The number of the call whose stack runs now. */
let running = 0;
const bridge = new HostBridge(writeRecord, () => running);

// Not at once: the boot script first sends back V8's code for this bundle, which it can do only
// once this file's top level has returned, and serve() never returns.
setImmediate(() => void serve());

async function serve(): Promise<never> {
  for (;;) {
    const work = channel.calls.read();
    if (work) {
      if (channel.controlCount !== controlSeen) applyControlMessages();
      const before = written;
      running = work.tag;
      if (work.kind >= 0) beginCall(work);
      else if (!bridge.answer(work)) writeOutcome(work.tag, { type: "trap", message: `worker has no call ${work.tag} waiting` });
      if (written === before) await settled(before);
      relieveMemory(idle, spares);
    } else if (spares.makeOne((pluginId) => images.get(pluginId))) {
      continue;
    } else if (channel.waitForCall(sweepEveryMs) === "timed-out") {
      applyControlMessages();
      idle.dropOlderThan(Date.now() - setup.idleTtlMs);
      spares.dropOlderThan(Date.now() - setup.idleTtlMs);
    }
  }
}

/** Lets the running stack go on (it resumes in a microtask) until it returns or suspends again. */
async function settled(before: number): Promise<void> {
  for (let turn = 0; written === before; turn++) {
    await (turn < MICROTASK_TURNS ? undefined : new Promise(setImmediate));
  }
}

function beginCall(work: RingMessage): void {
  const task = callTask(work);
  if (!task) return writeOutcome(work.tag, { type: "trap", message: `worker has no route ${work.kind >> 1}` });
  const image = images.get(task.pluginId);
  if (!image) return writeOutcome(work.tag, { type: "trap", message: `worker has no module for plugin ${task.pluginId}` });
  if (isGen2(image)) return beginGen2Call(work.tag, image, task);
  const instance = takeInstance(image);
  if ("type" in instance) return writeOutcome(work.tag, instance);
  const outcome = instance.call(task.exportName, task.request);
  const end = (settledOutcome: CallOutcome) => {
    // A plugin version dropped while the call waited in a host call keeps no instance.
    if (keepsIdle(instance, image) && images.get(image.pluginId) === image) idle.put(image, instance);
    writeOutcome(work.tag, settledOutcome);
  };
  whenSettled(outcome, end);
}

/**
 * A generation-2 call: a fresh instance (the spare, or a new one). Once the call ends the
 * instance is renewed as the next spare when it can be, and thrown away otherwise.
 */
function beginGen2Call(tag: number, image: PluginImage & { gen2: Gen2Image }, task: CallTask): void {
  let instance: Gen2Instance;
  try {
    instance = spares.take(image) ?? spares.fresh(image, (watch) => newGen2Instance(image, watch));
  } catch (error) {
    return writeOutcome(tag, { type: "trap", message: `could not start an instance: ${(error as Error).message}` });
  }
  const outcome = instance.call(task.exportName, task.request ?? new Uint8Array());
  const end = (settledOutcome: CallOutcome) => {
    writeOutcome(tag, settledOutcome);
    if (images.get(image.pluginId) === image && spares.keepRenewed(image, instance)) return;
    noteDropped(instance.memoryBytes, image);
    if (instance.importedMemory) memories.give(image, instance.importedMemory);
    spares.want(image, () => newGen2Instance(image));
  };
  whenSettled(outcome, end);
}

/** Runs `end` with the call's outcome: now, or once its stack has returned. */
function whenSettled(outcome: CallOutcome | Promise<CallOutcome>, end: (outcome: CallOutcome) => void): void {
  if (outcome instanceof Promise) void outcome.then(end);
  else end(outcome);
}

/** A type guard, not a copy: the worker keys what it keeps per plugin version (spares, functions) by the image itself. */
function isGen2(image: PluginImage): image is PluginImage & { gen2: Gen2Image } {
  return image.gen2 !== undefined;
}

function newGen2Instance(image: PluginImage & { gen2: Gen2Image }, watch?: ImportWatch): Gen2Instance {
  const hostCall = (name: string, request: Uint8Array) =>
    bridge.call(name, request, name === gen2.KERNEL_HTTP_REQUEST ? `${gen2.KERNEL_MODULE}.http_request` : `${gen2.USER_MODULE}.${name}`);
  const kernelLog = (level: KernelLogLevel, line: string) => postLog({ type: "log", pluginName: image.pluginName, stream: "log", level, line });
  return new Gen2Instance(image, hostCall, logWriter(image), kernelLog, { watch, memory: memories.take(image) });
}

function logWriter(image: PluginImage): LogWriter {
  return (stream, line) => postLog({ type: "log", pluginName: image.pluginName, stream, line });
}

/** A call record's kind is its route number times two, plus one when a request follows. */
function callTask({ kind, payload }: RingMessage): CallTask | undefined {
  const route = routes.get(kind >> 1);
  return route && { pluginId: route.pluginId, exportName: route.exportName, request: kind & 1 ? payload : undefined };
}

function writeOutcome(tag: number, outcome: CallOutcome): void {
  const { kind, payload } = encodeOutcome(outcome);
  writeRecord(kind, payload, tag);
}

/** The manager reads records as they come, so a full ring only means it is catching up. */
function writeRecord(kind: number, payload: Uint8Array, tag: number): void {
  while (!channel.results.write(kind, payload, tag)) Atomics.wait(nap, 0, 0, 1);
  written++;
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
  idle.drop(pluginId);
  spares.drop(pluginId);
  for (const [route, target] of routes) if (target.pluginId === pluginId) routes.delete(route);
}

function takeInstance(image: PluginImage): PluginInstance | CallOutcome {
  const reusable = idle.take(image.pluginId);
  if (reusable) return reusable;
  try {
    return new PluginInstance(image, hostFunctions(image, bridge), logWriter(image));
  } catch (error) {
    return { type: "trap", message: `could not start an instance: ${(error as Error).message}` };
  }
}

function postLog(line: LogLine): void {
  setup.logs.postMessage(line);
  channel.markLog();
}
