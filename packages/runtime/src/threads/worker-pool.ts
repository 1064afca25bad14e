import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { decodeOutcome } from "./channel/outcomes.js";
import { SharedChannel, State, channelBuffer, packFields, unpackFields, utf8 } from "./channel/shared-channel.js";
import { HOST_REPLY_ERROR, HOST_REPLY_OK } from "./worker/host-bridge.js";
import type { CallOutcome, ControlMessage, LogLine, PluginImage, WorkerSetup } from "./worker/messages.js";

/** What the pool asks of the manager: plugin images, host calls and log lines. */
export interface PoolHost {
  image(pluginId: string): PluginImage | undefined;
  hostCall(pluginId: string, importName: string, request: Uint8Array): Promise<Uint8Array>;
  log(line: LogLine): void;
}

export interface PoolTask {
  readonly pluginId: string;
  readonly exportName: string;
  readonly request?: Uint8Array;
  readonly timeoutMs: number;
}

interface Job {
  readonly task: PoolTask;
  readonly resolve: (outcome: CallOutcome) => void;
}

/** One worker thread, its channel, and what the pool knows about it. */
class WorkerSlot {
  readonly worker: Worker;
  readonly knownPlugins = new Set<string>();
  private readonly channel: SharedChannel;
  private readonly control: MessagePort;
  private readonly logs: MessagePort;
  private job?: Job;
  private timer?: NodeJS.Timeout;
  private dead = false;

  constructor(
    private readonly host: PoolHost,
    { idleTtlMs, spin }: WorkerPoolOptions,
    onReady: (slot: WorkerSlot) => void,
    private readonly onFree: (slot: WorkerSlot) => void,
    private readonly onDead: (slot: WorkerSlot) => void,
  ) {
    const payload = new MessageChannel();
    const control = new MessageChannel();
    const logs = new MessageChannel();
    const buffer = channelBuffer();
    this.channel = new SharedChannel({ buffer, port: payload.port1 });
    this.control = control.port1;
    this.logs = logs.port1;
    this.logs.on("message", (line: LogLine) => this.host.log(line));
    this.logs.unref();
    const setup: WorkerSetup = { channel: { buffer, port: payload.port2 }, control: control.port2, logs: logs.port2, idleTtlMs, spin };
    this.worker = new Worker(new URL("./worker.js", import.meta.url), {
      workerData: setup,
      transferList: [payload.port2, control.port2, logs.port2],
    });
    // A call's deadline only starts once its worker runs: a booting thread takes no calls.
    this.worker.once("online", () => onReady(this));
    this.worker.on("error", (error) => this.die({ type: "trap", message: `worker crashed: ${error.message}` }));
    this.worker.on("exit", () => this.die({ type: "trap", message: "worker exited" }));
  }

  get running(): boolean {
    return this.job !== undefined;
  }

  run(job: Job): void {
    this.job = job;
    const { pluginId, exportName, request, timeoutMs } = job.task;
    this.sendImage(pluginId);
    this.timer = setTimeout(() => this.die({ type: "timeout" }), timeoutMs);
    this.channel.send(State.Call, request ? 1 : 0, packFields([pluginId, exportName], request));
    void this.follow(pluginId);
  }

  /** Tells the worker to forget a plugin version. */
  drop(pluginId: string): void {
    if (this.knownPlugins.delete(pluginId)) this.post({ type: "drop", pluginId });
  }

  /** Stops the worker for good: the current call ends with `outcome` and the pool replaces the slot. */
  die(outcome: CallOutcome): void {
    if (this.dead) return;
    this.dead = true;
    this.finish(outcome);
    this.worker.removeAllListeners();
    void this.worker.terminate();
    this.channel.wakeAll();
    this.onDead(this);
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
  }

  /** Follows the worker through one call: serves its host calls, then takes its result. */
  private async follow(pluginId: string): Promise<void> {
    let seen: State = State.Call;
    for (;;) {
      await this.channel.changeFrom(seen);
      if (this.dead) return;
      seen = this.channel.state;
      if (seen === State.HostCall) {
        await this.serveHostCall(pluginId);
        seen = State.HostReply;
      } else if (seen === State.Result) {
        const outcome = decodeOutcome(this.channel.receive());
        this.channel.reset();
        this.deliverLogs();
        this.finish(outcome);
        this.onFree(this);
        return;
      }
    }
  }

  private async serveHostCall(pluginId: string): Promise<void> {
    const { strings, bytes } = unpackFields(this.channel.receive().payload, 1);
    let kind = HOST_REPLY_OK;
    let reply: Uint8Array;
    try {
      reply = await this.host.hostCall(pluginId, strings[0]!, bytes);
    } catch (error) {
      kind = HOST_REPLY_ERROR;
      reply = utf8((error as Error).message);
    }
    if (!this.dead) this.channel.send(State.HostReply, kind, reply);
  }

  /** Passes on the lines the plugin wrote during the call, before its result. */
  private deliverLogs(): void {
    for (let entry = receiveMessageOnPort(this.logs); entry; entry = receiveMessageOnPort(this.logs)) {
      this.host.log(entry.message as LogLine);
    }
  }

  private finish(outcome: CallOutcome): void {
    clearTimeout(this.timer);
    const job = this.job;
    this.job = undefined;
    job?.resolve(outcome);
  }
}

export interface PoolStats {
  readonly workers: number;
  readonly busy: number;
  readonly queued: number;
}

export interface WorkerPoolOptions {
  readonly size: number;
  readonly idleTtlMs: number;
  /** Let workers poll before sleeping; pays off only when a core is left for the manager's thread. */
  readonly spin: boolean;
}

/**
 * Runs plugin calls on a fixed number of worker threads, one call per worker at a
 * time, in arrival order. A worker whose call overruns its deadline is terminated
 * and replaced; the others go on.
 */
export class WorkerPool {
  private readonly slots = new Set<WorkerSlot>();
  private readonly free: WorkerSlot[] = [];
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(
    private readonly host: PoolHost,
    private readonly options: WorkerPoolOptions,
  ) {
    for (let i = 0; i < options.size; i++) this.addSlot();
  }

  run(task: PoolTask): Promise<CallOutcome> {
    if (this.closed) return Promise.resolve({ type: "trap", message: "the plugin manager is closed" });
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.dispatch();
    });
  }

  /** Tells every worker to forget a plugin version (after reload or unload). */
  drop(pluginId: string): void {
    for (const slot of this.slots) slot.drop(pluginId);
  }

  /** Worker threads alive, how many of them run a call, and calls waiting for one. */
  stats(): PoolStats {
    const busy = [...this.slots].filter((slot) => slot.running).length;
    return { workers: this.slots.size, busy, queued: this.queue.length };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ type: "trap", message: "the plugin manager is closed" });
    const slots = [...this.slots];
    this.slots.clear();
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    for (const slot of slots) slot.die({ type: "trap", message: "the plugin manager is closed" });
  }

  private addSlot(): void {
    const markFree = (slot: WorkerSlot) => {
      this.free.push(slot);
      this.dispatch();
    };
    const slot = new WorkerSlot(this.host, this.options, markFree, markFree, (dead) => this.replace(dead));
    this.slots.add(slot);
  }

  private replace(dead: WorkerSlot): void {
    const index = this.free.indexOf(dead);
    if (index >= 0) this.free.splice(index, 1);
    if (!this.slots.delete(dead) || this.closed) return;
    this.addSlot();
    this.dispatch();
  }

  private dispatch(): void {
    while (this.free.length > 0 && this.queue.length > 0) {
      this.free.shift()!.run(this.queue.shift()!);
    }
  }
}
