import { type Worker, receiveMessageOnPort, type MessagePort, MessageChannel } from "node:worker_threads";
import type { RecordRef, RingMessage } from "./channel/byte-ring.js";
import { unpackFields, utf8 } from "./channel/fields.js";
import { decodeOutcome } from "./channel/outcomes.js";
import { PIPELINE_DEPTH, RecordKind, WorkerChannel, createChannel } from "./channel/worker-channel.js";
import { WORKER_RESOURCE_LIMITS, crashOutcome } from "./worker-limits.js";
import { startWorker } from "./worker-start.js";
import type { CallOutcome, ControlMessage, LogLine, PluginImage, WorkerSetup } from "./worker/messages.js";

/** What the pool asks of the manager: plugin images, host calls and log lines. */
export interface PoolHost {
  image(pluginId: string): PluginImage | undefined;
  /** Runs a host service for a plugin; `signal` is aborted when the call that asked ends first. */
  hostCall(pluginId: string, importName: string, request: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
  log(line: LogLine): void;
  /** A worker thread has fully stopped (terminated or crashed): frees what it may have held. */
  workerStopped(threadId: number): void;
}

export interface PoolTask {
  readonly pluginId: string;
  readonly exportName: string;
  readonly request?: Uint8Array;
  readonly timeoutMs: number;
}

export interface Job {
  readonly task: PoolTask;
  readonly resolve: (outcome: CallOutcome) => void;
}

export interface SlotOptions {
  readonly idleTtlMs: number;
  /** Let the worker poll before sleeping; pays off only when a core is left for the manager's thread. */
  readonly spin: boolean;
}

/** How a slot tells the pool about itself. */
export interface SlotEvents {
  /** The slot's work changed: its thread started, it ran out of work (off the CPU), or calls ended. */
  onAvailable(slot: WorkerSlot): void;
  /** The thread is gone; `unstarted` are calls it had staged but never began. */
  onDead(slot: WorkerSlot, unstarted: Job[]): void;
  /** A host call of a call suspended here is answered while the thread is off the CPU: it goes on once the pool calls `resume()`. */
  onHostReply(slot: WorkerSlot): void;
  /** A call of the plugin version suspended in a host call (answered on the manager's thread). */
  onSuspended(pluginId: string): void;
}

/** Why a call's pending host work is aborted, by how the call ended. */
const ABORT_REASONS: Partial<Record<CallOutcome["type"], string>> = {
  timeout: "the plugin call's deadline passed",
  closed: "the plugin manager is closed",
};

/**
 * How long a call whose deadline passed while it waited in a host call may run to unwind
 * (its host function fails) before its thread is stopped.
 */
const UNWIND_GRACE_MS = 1_000;

/** What the other calls on a thread stopped for a runaway call end with. */
const SHARED_FATE: CallOutcome = {
  type: "trap",
  message: "its worker thread was stopped because another call of the same plugin on it ran past its deadline",
};

/** A host call being served; its reply, once there, waits for the call to have a CPU slot. */
interface PendingHostCall {
  readonly abort: AbortController;
  reply?: { readonly kind: number; readonly payload: Uint8Array };
}

/** A call staged on this thread, until the worker reports its outcome. */
interface SlotCall {
  readonly tag: number;
  readonly job: Job;
  readonly record: RecordRef;
  /** The worker began it (it reached the head of the work); its deadline runs. */
  begun: boolean;
  /** Its caller already has its timeout; it ends when its stack next runs. */
  late: boolean;
  timer?: NodeJS.Timeout;
  /** Set while it waits in a host call, or for a CPU slot to take the reply. */
  host?: PendingHostCall;
}

/**
 * One worker thread and the calls on it, all of one plugin version (the pool pins a thread
 * to a plugin while it holds any of its calls, so stopping a thread never ends another
 * plugin's call). The work given to the worker (calls to begin, host replies) runs in
 * order: the head runs on the CPU, the thread holds a CPU slot while any work is left.
 * Calls suspended in host calls hold neither the CPU nor the thread: many wait on one.
 * A call's deadline starts when the worker begins it.
 */
export class WorkerSlot {
  readonly worker: Worker;
  /** Kept apart: `worker.threadId` reads -1 once the thread has exited. */
  private readonly threadId: number;
  private readonly knownPlugins = new Set<string>();
  private readonly routes = new Map<string, Map<string, number>>();
  private nextRoute = 0;
  private readonly channel: WorkerChannel;
  private readonly control: MessagePort;
  private readonly logs: MessagePort;
  private readonly calls = new Map<number, SlotCall>();
  /** Work given to the worker and not settled yet, in its order: the head runs. */
  private readonly work: SlotCall[] = [];
  private nextTag = 0;
  private watching = false;
  private logsSeen = 0;
  private ready = false;
  private dead = false;
  /** The plugin version the thread's calls belong to, while it has any. */
  owner?: string;
  /** Resolves once the thread has stopped, after `die`. */
  stopped?: Promise<void>;
  /** When the slot last ran out of calls (for retiring extra threads). */
  idleSince = performance.now();

  constructor(
    private readonly host: PoolHost,
    { idleTtlMs, spin }: SlotOptions,
    private readonly events: SlotEvents,
  ) {
    const ends = createChannel();
    const control = new MessageChannel();
    const logs = new MessageChannel();
    this.channel = new WorkerChannel(ends.manager);
    this.control = control.port1;
    this.logs = logs.port1;
    this.logs.on("message", (line: LogLine) => this.host.log(line));
    this.logs.unref();
    const worker = ends.worker;
    const setup: WorkerSetup = { channel: worker, control: control.port2, logs: logs.port2, idleTtlMs, spin };
    this.worker = startWorker(setup, WORKER_RESOURCE_LIMITS, [worker.callPort, worker.resultPort, control.port2, logs.port2]);
    this.threadId = this.worker.threadId;
    // A booting thread takes no calls, so no deadline runs while it starts.
    this.worker.once("online", () => {
      this.ready = true;
      this.events.onAvailable(this);
    });
    this.worker.on("error", (error) => this.die(crashOutcome(error)));
    this.worker.on("exit", () => this.die({ type: "trap", message: "worker exited" }));
  }

  /** Work items the worker has to run: while any is left, the thread holds a CPU slot. */
  get load(): number {
    return this.work.length;
  }

  /** The thread is up and holds no call: any plugin's call may go here. */
  get idle(): boolean {
    return this.ready && !this.dead && this.calls.size === 0;
  }

  /** The thread is up, off the CPU, and holds calls of `pluginId` waiting in host calls: more of its calls may go here. */
  parkedFor(pluginId: string): boolean {
    return this.ready && !this.dead && this.work.length === 0 && this.owner === pluginId;
  }

  /** More calls may be staged behind the work the thread runs. */
  get canPipeline(): boolean {
    return this.ready && !this.dead && this.work.length < PIPELINE_DEPTH;
  }

  get starting(): boolean {
    return !this.ready && !this.dead;
  }

  /** Calls waiting in a host call, or for a CPU slot to take the reply. */
  get inHostCalls(): number {
    let waiting = 0;
    for (const call of this.calls.values()) if (call.host) waiting++;
    return waiting;
  }

  /** Calls staged here that the worker has not begun. */
  get unbegun(): number {
    let unbegun = 0;
    for (const call of this.work) if (!call.begun) unbegun++;
    return unbegun;
  }

  /** Answered host calls wait for `resume()`. */
  get hasReplies(): boolean {
    for (const call of this.calls.values()) if (call.host?.reply) return true;
    return false;
  }

  /** Whether the thread has the plugin's module (and so, likely, an idle instance of it). */
  knows(pluginId: string): boolean {
    return this.knownPlugins.has(pluginId);
  }

  /** Stages a call on this worker; answers false when the channel has no room for it. */
  stage(job: Job): boolean {
    const { pluginId, exportName, request } = job.task;
    this.sendImage(pluginId);
    const tag = this.nextTag++ | 0;
    const record = this.channel.stageCall(this.route(pluginId, exportName) * 2 + (request ? 1 : 0), request, tag);
    if (!record) return false;
    const call: SlotCall = { tag, job, record, begun: false, late: false };
    this.owner = pluginId;
    this.calls.set(tag, call);
    this.pushWork(call);
    void this.watch();
    return true;
  }

  /** Takes back the oldest call staged behind the running work, if the worker has not begun it. */
  withdrawWaiting(): Job | undefined {
    for (let i = 1; i < this.work.length; i++) {
      const call = this.work[i]!;
      if (call.begun || !this.channel.calls.withdraw(call.record)) continue;
      this.work.splice(i, 1);
      this.forget(call);
      return call.job;
    }
    return undefined;
  }

  /** Gives the answered host calls their replies: the pool has a CPU slot for the thread (or it holds one). */
  resume(): void {
    for (const call of this.calls.values()) {
      const reply = call.host?.reply;
      if (!reply || this.dead) continue;
      if (!this.channel.stageCall(reply.kind, reply.payload, call.tag)) return;
      call.host = undefined;
      this.pushWork(call);
    }
  }

  /** Tells the worker to forget a plugin version. */
  drop(pluginId: string): void {
    this.routes.delete(pluginId);
    if (this.knownPlugins.delete(pluginId)) this.post({ type: "drop", pluginId });
  }

  /**
   * Stops the worker for good: the running work's call ends with `outcome`, the others it
   * began share the thread's fate, calls it never began go back to the pool.
   */
  die(outcome: CallOutcome): void {
    if (this.dead) return;
    this.dead = true;
    this.collect();
    const head = this.work[0];
    const unstarted: Job[] = [];
    for (const call of this.calls.values()) {
      clearTimeout(call.timer);
      call.host?.abort.abort(new Error(ABORT_REASONS[outcome.type] ?? "the plugin call ended"));
      if (!call.begun && this.channel.calls.withdraw(call.record)) unstarted.push(call.job);
      else if (!call.late) call.job.resolve(call === head || outcome.type !== "timeout" ? outcome : SHARED_FATE);
    }
    this.calls.clear();
    this.work.length = 0;
    this.worker.removeAllListeners();
    const { threadId } = this;
    this.stopped = this.worker.terminate().then(() => {
      this.host.workerStopped(threadId);
      this.deliverLogs();
      for (const port of [this.control, this.logs]) port.close();
      this.channel.close();
    });
    this.channel.wakeAll();
    this.events.onDead(this, unstarted);
  }

  private sendImage(pluginId: string): void {
    if (this.knownPlugins.has(pluginId)) return;
    const image = this.host.image(pluginId);
    if (!image) return;
    this.post({ type: "image", image });
    this.knownPlugins.add(pluginId);
  }

  private post(message: ControlMessage): void {
    this.control.postMessage(message);
    this.channel.markControl();
  }

  /** The number that names a plugin version's export on the channel; the worker learns it once. */
  private route(pluginId: string, exportName: string): number {
    let exports = this.routes.get(pluginId);
    if (!exports) this.routes.set(pluginId, (exports = new Map()));
    let route = exports.get(exportName);
    if (route === undefined) {
      exports.set(exportName, (route = this.nextRoute++));
      this.post({ type: "route", route, pluginId, exportName });
    }
    return route;
  }

  /** Serves the worker while it has calls: collects outcomes, serves host calls. */
  private async watch(): Promise<void> {
    if (this.watching) return;
    this.watching = true;
    let seen: number | undefined;
    while (!this.dead && this.calls.size > 0) {
      const events = this.channel.events;
      if (events === seen) {
        await this.channel.eventAfter(events);
        continue;
      }
      seen = events;
      this.collect();
    }
    this.watching = false;
  }

  /** Reads what the worker reported: each record settles the head of the work. */
  private collect(): void {
    let record = this.channel.results.read();
    if (!record) return;
    if (this.channel.logCount !== this.logsSeen) this.deliverLogs();
    for (; record; record = this.channel.results.read()) this.settle(record);
    this.beginHead();
    if (this.dead) return;
    if (this.work.length > 0) this.resume();
    else if (this.hasReplies) this.events.onHostReply(this);
    this.events.onAvailable(this);
  }

  private settle(record: RingMessage): void {
    const call = this.calls.get(record.tag);
    if (!call) return;
    this.begin(call);
    const at = this.work.indexOf(call);
    if (at >= 0) this.work.splice(at, 1);
    if (record.kind === RecordKind.HostRequest) {
      this.events.onSuspended(call.job.task.pluginId);
      void this.serveHostCall(call, record.payload);
      return;
    }
    clearTimeout(call.timer);
    this.forget(call);
    if (!call.late) call.job.resolve(decodeOutcome(record));
  }

  private forget(call: SlotCall): void {
    this.calls.delete(call.tag);
    if (this.calls.size > 0) return;
    this.owner = undefined;
    this.idleSince = performance.now();
  }

  /** The call suspended in a host call: the service runs here, its reply waits for a CPU slot. */
  private async serveHostCall(call: SlotCall, request: Uint8Array): Promise<void> {
    const { strings, bytes } = unpackFields(request, 1);
    const pending: PendingHostCall = { abort: new AbortController() };
    call.host = pending;
    let reply: PendingHostCall["reply"];
    try {
      reply = { kind: RecordKind.HostReplyOk, payload: await this.host.hostCall(call.job.task.pluginId, strings[0]!, bytes, pending.abort.signal) };
    } catch (error) {
      reply = { kind: RecordKind.HostReplyError, payload: utf8((error as Error).message) };
    }
    if (call.host !== pending || pending.reply) return;
    pending.reply = reply;
    this.replyReady();
  }

  /** A reply goes to the worker at once when the thread holds a CPU slot, else it waits for the pool. */
  private replyReady(): void {
    if (this.dead) return;
    if (this.work.length > 0) this.resume();
    else this.events.onHostReply(this);
  }

  private pushWork(call: SlotCall): void {
    this.work.push(call);
    this.beginHead();
  }

  /** The head of the work runs now. */
  private beginHead(): void {
    const head = this.work[0];
    if (head) this.begin(head);
  }

  /** A call runs: its deadline starts (or, for a late call, the time it has to unwind). */
  private begin(call: SlotCall): void {
    if (call.timer) return;
    call.begun = true;
    const ms = call.late ? UNWIND_GRACE_MS : call.job.task.timeoutMs;
    call.timer = setTimeout(() => this.deadlineReached(call), ms).unref();
  }

  /**
   * A call's deadline: if its stack is running, only stopping the thread stops it; if it
   * waits in a host call, its caller gets the timeout now, its host work is aborted and
   * it is given a failed reply, so it unwinds when the thread next runs it.
   */
  private deadlineReached(call: SlotCall): void {
    this.collect();
    if (this.dead || !this.calls.has(call.tag)) return;
    if (this.work[0] === call) {
      if (!call.late) this.die({ type: "timeout" });
      else this.die(SHARED_FATE);
      return;
    }
    if (call.late) return;
    call.late = true;
    call.timer = undefined;
    call.job.resolve({ type: "timeout" });
    const pending = call.host;
    if (!pending || pending.reply) return;
    pending.abort.abort(new Error(ABORT_REASONS.timeout));
    pending.reply = { kind: RecordKind.HostReplyError, payload: utf8(ABORT_REASONS.timeout!) };
    this.replyReady();
  }

  /** Passes on the lines the plugin wrote, before the outcomes of the calls that wrote them. */
  private deliverLogs(): void {
    this.logsSeen = this.channel.logCount;
    for (let entry = receiveMessageOnPort(this.logs); entry; entry = receiveMessageOnPort(this.logs)) {
      this.host.log(entry.message as LogLine);
    }
  }
}
