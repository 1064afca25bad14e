import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import type {
  CallOutcome,
  FromWorker,
  HostCallReply,
  HostCallRequest,
  LogLine,
  PluginImage,
  ToWorker,
  WorkerSetup,
} from "./worker/messages.js";

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

const RUNNING = 1;

/** One worker thread and what the pool knows about it. */
class WorkerSlot {
  readonly worker: Worker;
  readonly knownPlugins = new Set<string>();
  job?: Job;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly host: PoolHost,
    idleTtlMs: number,
    private readonly onFree: (slot: WorkerSlot) => void,
    private readonly onDead: (slot: WorkerSlot) => void,
  ) {
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    const setup: WorkerSetup = { hostCallPort: port2, signal, idleTtlMs };
    this.worker = new Worker(new URL("./worker.js", import.meta.url), {
      workerData: setup,
      transferList: [port2],
    });
    this.worker.on("message", (message: FromWorker) => this.receive(message));
    this.worker.on("error", (error) => this.die({ type: "trap", message: `worker crashed: ${error.message}` }));
    this.worker.on("exit", () => this.die({ type: "trap", message: "worker exited" }));
    port1.on("message", (request: HostCallRequest) => void this.serveHostCall(port1, signal, request));
    port1.unref();
  }

  run(job: Job): void {
    this.job = job;
    const { pluginId, exportName, request, timeoutMs } = job.task;
    const image = this.knownPlugins.has(pluginId) ? undefined : this.host.image(pluginId);
    if (image) this.knownPlugins.add(pluginId);
    this.timer = setTimeout(() => this.die({ type: "timeout" }), timeoutMs);
    this.post({ type: "call", pluginId, image, exportName, request, hostCallTimeoutMs: timeoutMs });
  }

  post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromWorker): void {
    if (message.type === "log") return this.host.log(message);
    this.finish(message.outcome);
    this.onFree(this);
  }

  private finish(outcome: CallOutcome): void {
    clearTimeout(this.timer);
    const job = this.job;
    this.job = undefined;
    job?.resolve(outcome);
  }

  /** Stops the worker for good: the current call ends with `outcome` and the pool replaces the slot. */
  die(outcome: CallOutcome): void {
    this.finish(outcome);
    this.worker.removeAllListeners();
    void this.worker.terminate();
    this.onDead(this);
  }

  private async serveHostCall(port: MessagePort, signal: SharedArrayBuffer, request: HostCallRequest) {
    let reply: HostCallReply;
    try {
      const bytes = await this.host.hostCall(request.pluginId, request.importName, request.request);
      reply = { sequence: request.sequence, ok: true, bytes };
    } catch (error) {
      reply = { sequence: request.sequence, ok: false, message: (error as Error).message };
    }
    port.postMessage(reply);
    const word = new Int32Array(signal);
    Atomics.store(word, 0, RUNNING);
    Atomics.notify(word, 0);
  }
}

export interface WorkerPoolOptions {
  readonly size: number;
  readonly idleTtlMs: number;
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
    for (const slot of this.slots) {
      if (slot.knownPlugins.delete(pluginId)) slot.post({ type: "drop", pluginId });
    }
  }

  get workerCount(): number {
    return this.slots.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ type: "trap", message: "the plugin manager is closed" });
    await Promise.all([...this.slots].map((slot) => slot.worker.terminate()));
    this.slots.clear();
  }

  private addSlot(): void {
    const slot = new WorkerSlot(
      this.host,
      this.options.idleTtlMs,
      (free) => {
        this.free.push(free);
        this.dispatch();
      },
      (dead) => this.replace(dead),
    );
    this.slots.add(slot);
    this.free.push(slot);
  }

  private replace(dead: WorkerSlot): void {
    if (!this.slots.delete(dead)) return;
    const index = this.free.indexOf(dead);
    if (index >= 0) this.free.splice(index, 1);
    if (this.closed) return;
    this.addSlot();
    this.dispatch();
  }

  private dispatch(): void {
    while (this.free.length > 0 && this.queue.length > 0) {
      this.free.shift()!.run(this.queue.shift()!);
    }
  }
}
