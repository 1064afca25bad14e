import { Worker, receiveMessageOnPort, type MessagePort, MessageChannel } from "node:worker_threads";
import type { RecordRef } from "./channel/byte-ring.js";
import { unpackFields, utf8 } from "./channel/fields.js";
import { decodeOutcome } from "./channel/outcomes.js";
import { HostState, PIPELINE_DEPTH, WorkerChannel, createChannel } from "./channel/worker-channel.js";
import { HOST_REPLY_ERROR, HOST_REPLY_OK } from "./worker/host-bridge.js";
import { WORKER_RESOURCE_LIMITS, crashOutcome } from "./worker-limits.js";
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
  /** The slot can take (more) calls: its thread started, or calls finished. */
  onAvailable(slot: WorkerSlot): void;
  /** The thread is gone; `unstarted` are calls it had staged but never began. */
  onDead(slot: WorkerSlot, unstarted: Job[]): void;
  /** The running call waits in a host call: it needs no CPU until answered; `unstarted` were staged behind it. */
  onHostCall(slot: WorkerSlot, unstarted: Job[]): void;
  /** The host call is answered: the call goes on once the pool calls `resume()`. */
  onHostReply(slot: WorkerSlot): void;
}

/** Why a call's pending host work is aborted, by how the call ended. */
const ABORT_REASONS: Partial<Record<CallOutcome["type"], string>> = {
  timeout: "the plugin call's deadline passed",
  closed: "the plugin manager is closed",
};

/** A host call being served: its reply, once there, waits for the pool's `resume()`. */
interface PendingHostCall {
  readonly abort: AbortController;
  reply?: { readonly kind: number; readonly payload: Uint8Array };
}

interface StagedJob {
  readonly job: Job;
  readonly record: RecordRef;
}

/**
 * One worker thread and the calls staged on it. The first staged call is the one the
 * worker runs (or is about to); the others wait in the channel's ring, so the worker goes
 * straight from one call to the next. A call's deadline starts when it becomes the first,
 * that is when the worker begins it, not when it was staged.
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
  private readonly staged: StagedJob[] = [];
  private deadline?: NodeJS.Timeout;
  private deadlineMs = 0;
  private runningSince = 0;
  private deadlineFor?: Job;
  private watching = false;
  private logsSeen = 0;
  private hostCall?: PendingHostCall;
  private ready = false;
  private dead = false;
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
    this.worker = new Worker(new URL("./worker.js", import.meta.url), {
      workerData: setup,
      resourceLimits: WORKER_RESOURCE_LIMITS,
      transferList: [worker.callPort, worker.hostPort, control.port2, logs.port2],
    });
    this.threadId = this.worker.threadId;
    // A booting thread takes no calls, so no deadline runs while it starts.
    this.worker.once("online", () => {
      this.ready = true;
      this.events.onAvailable(this);
    });
    this.worker.on("error", (error) => this.die(crashOutcome(error)));
    this.worker.on("exit", () => this.die({ type: "trap", message: "worker exited" }));
  }

  /** Calls staged here, the running one included. */
  get load(): number {
    return this.staged.length;
  }

  /** The thread is up and has nothing to do. */
  get idle(): boolean {
    return this.ready && !this.dead && this.staged.length === 0;
  }

  /** More calls may be staged behind the running one (which is not waiting in a host call). */
  get canPipeline(): boolean {
    return this.ready && !this.dead && !this.hostCall && this.staged.length < PIPELINE_DEPTH;
  }

  get starting(): boolean {
    return !this.ready && !this.dead;
  }

  /** The running call waits in a host call, or for a CPU slot to go on after its reply. */
  get inHostCall(): boolean {
    return this.hostCall !== undefined;
  }

  /** Whether the thread has the plugin's module (and so, likely, an idle instance of it). */
  knows(pluginId: string): boolean {
    return this.knownPlugins.has(pluginId);
  }

  /** The plugin version of the running call. */
  get runningPlugin(): string | undefined {
    return this.staged[0]?.job.task.pluginId;
  }

  /** Stages a call on this worker; answers false when the channel has no room for it. */
  stage(job: Job): boolean {
    const { pluginId, exportName, request } = job.task;
    this.sendImage(pluginId);
    const record = this.channel.stageCall(this.route(pluginId, exportName) * 2 + (request ? 1 : 0), request);
    if (!record) return false;
    this.staged.push({ job, record });
    this.armDeadline();
    void this.watch();
    return true;
  }

  /** Takes back the oldest call waiting behind the running one, if the worker has not begun it. */
  withdrawWaiting(): Job | undefined {
    for (let i = 1; i < this.staged.length; i++) {
      if (this.channel.calls.withdraw(this.staged[i]!.record)) return this.staged.splice(i, 1)[0]!.job;
    }
    return undefined;
  }

  /** Gives the running call its host reply: the pool has a CPU slot for it. */
  resume(): void {
    const reply = this.hostCall?.reply;
    if (!reply || this.dead) return;
    this.hostCall = undefined;
    this.channel.replyHost(reply.kind, reply.payload);
  }

  /** Tells the worker to forget a plugin version. */
  drop(pluginId: string): void {
    this.routes.delete(pluginId);
    if (this.knownPlugins.delete(pluginId)) this.post({ type: "drop", pluginId });
  }

  /** Stops the worker for good: the running call ends with `outcome`, calls it never began go back to the pool. */
  die(outcome: CallOutcome): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.deadline);
    this.hostCall?.abort.abort(new Error(ABORT_REASONS[outcome.type] ?? "the plugin call ended"));
    this.collectResults();
    const [running, ...unstarted] = this.staged.splice(0);
    running?.job.resolve(outcome);
    this.worker.removeAllListeners();
    const { threadId } = this;
    this.stopped = this.worker.terminate().then(() => {
      this.host.workerStopped(threadId);
      this.deliverLogs();
      for (const port of [this.control, this.logs]) port.close();
      this.channel.close();
    });
    this.channel.wakeAll();
    this.events.onDead(
      this,
      unstarted.map((staged) => staged.job),
    );
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

  /** Serves the worker while it has calls: collects results, answers host calls. */
  private async watch(): Promise<void> {
    if (this.watching) return;
    this.watching = true;
    let seen: number | undefined;
    while (!this.dead && this.staged.length > 0) {
      const events = this.channel.events;
      if (events === seen) {
        await this.channel.eventAfter(events);
        continue;
      }
      seen = events;
      this.collectResults();
      if (!this.hostCall && this.channel.hostState === HostState.Request) await this.serveHostCall();
    }
    this.watching = false;
  }

  private collectResults(): void {
    let result = this.channel.results.read();
    if (!result) return;
    if (this.channel.logCount !== this.logsSeen) this.deliverLogs();
    for (; result; result = this.channel.results.read()) {
      this.staged.shift()!.job.resolve(decodeOutcome(result));
    }
    if (this.staged.length === 0) this.idleSince = performance.now();
    this.armDeadline();
    if (!this.dead) this.events.onAvailable(this);
  }

  /**
   * The running call asked a host service: calls staged behind it go back to the pool and
   * its CPU slot is free until the reply is there and the pool resumes it.
   */
  private async serveHostCall(): Promise<void> {
    const pluginId = this.staged[0]!.job.task.pluginId;
    const { strings, bytes } = unpackFields(this.channel.hostRequest(), 1);
    const pending: PendingHostCall = { abort: new AbortController() };
    this.hostCall = pending;
    this.events.onHostCall(this, this.withdrawAllWaiting());
    try {
      pending.reply = { kind: HOST_REPLY_OK, payload: await this.host.hostCall(pluginId, strings[0]!, bytes, pending.abort.signal) };
    } catch (error) {
      pending.reply = { kind: HOST_REPLY_ERROR, payload: utf8((error as Error).message) };
    }
    if (!this.dead) this.events.onHostReply(this);
  }

  /** Takes back every call staged behind the running one that the worker has not begun, in order. */
  private withdrawAllWaiting(): Job[] {
    const withdrawn: Job[] = [];
    for (let job = this.withdrawWaiting(); job; job = this.withdrawWaiting()) withdrawn.push(job);
    return withdrawn;
  }

  /**
   * The running call's deadline: restarted whenever another call becomes the running one.
   * One timer per worker, refreshed rather than recreated; it does not keep the process
   * alive (the worker thread does, while a call runs).
   */
  private armDeadline(): void {
    const running = this.staged[0]?.job;
    if (running === this.deadlineFor) return;
    this.deadlineFor = running;
    if (running) this.startTimer(running.task.timeoutMs);
  }

  private startTimer(ms: number): void {
    this.runningSince = performance.now();
    if (this.deadline && this.deadlineMs === ms) {
      this.deadline.refresh();
      return;
    }
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => this.deadlineReached(), ms).unref();
    this.deadlineMs = ms;
  }

  /** A refreshed timer may still fire for its previous start, so the elapsed time is checked here. */
  private deadlineReached(): void {
    const job = this.deadlineFor;
    if (!job) return;
    this.collectResults();
    if (this.staged[0]?.job !== job) return;
    const left = job.task.timeoutMs - (performance.now() - this.runningSince);
    if (left > 1) {
      this.deadline = setTimeout(() => this.deadlineReached(), left).unref();
      this.deadlineMs = left;
      return;
    }
    this.die({ type: "timeout" });
  }

  /** Passes on the lines the plugin wrote, before the results of the calls that wrote them. */
  private deliverLogs(): void {
    this.logsSeen = this.channel.logCount;
    for (let entry = receiveMessageOnPort(this.logs); entry; entry = receiveMessageOnPort(this.logs)) {
      this.host.log(entry.message as LogLine);
    }
  }
}
