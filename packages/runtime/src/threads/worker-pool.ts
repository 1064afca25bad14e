import type { CallOutcome } from "./worker/messages.js";
import { CallQueues } from "./call-queues.js";
import { type Job, type PoolHost, type PoolTask, type SlotOptions, WorkerSlot } from "./worker-slot.js";

export type { PoolHost, PoolTask } from "./worker-slot.js";

export interface PoolStats {
  /** Worker threads alive, starting ones included. */
  readonly threads: number;
  /** Calls allowed to run plugin code at once (the `workers` option). */
  readonly cpuSlots: number;
  /** Calls running plugin code now; above `cpuSlots` only while a starved plugin is let in. */
  readonly busy: number;
  /** Threads whose call waits in a host call (or for a CPU slot to go on after the reply). */
  readonly inHostCalls: number;
  /** Threads with nothing to do. */
  readonly idle: number;
  /** Calls waiting to begin, in the pool's queues or staged behind a running call. */
  readonly queued: number;
}

export interface WorkerPoolOptions extends SlotOptions {
  /** CPU slots: calls running plugin code at once; also the threads kept when idle. */
  readonly cpuSlots: number;
  /** Threads at most, host-wide: calls begun (running or waiting in host calls) at once. */
  readonly maxThreads: number;
}

const closedOutcome: CallOutcome = { type: "closed" };

/** An idle thread for a plugin's call: one that has run the plugin before (its instance is warm), or any. */
function takeIdleThread(idle: WorkerSlot[], pluginId: string): WorkerSlot {
  const warm = idle.findIndex((slot) => slot.knows(pluginId));
  return warm >= 0 ? idle.splice(warm, 1)[0]! : idle.pop()!;
}
/** Threads started at once when calls wait for one: a start costs a core about 25 ms. */
const MAX_STARTING = 8;

/**
 * Runs plugin calls on worker threads, Go-style: a call running plugin code holds one of
 * `cpuSlots` CPU slots; a call waiting in a host call holds only its thread, so the slot
 * goes to the next call, on an idle thread or a new one (up to `maxThreads`). A host reply
 * waits for a slot before its call goes on, ahead of calls not begun yet. Fair share: a free
 * slot goes to the plugin with the fewest calls on the CPU, and a plugin with no call on the
 * CPU gets an extra slot (up to `cpuSlots` extra) when all are taken, so a runaway plugin
 * never makes another wait. A thread running a call has more calls of the same plugin staged
 * behind it (pipelining), handed back when the call enters a host call. A call that overruns
 * its deadline ends with its thread; extra idle threads retire after `idleTtlMs`.
 */
export class WorkerPool {
  private readonly slots = new Set<WorkerSlot>();
  /** Slots holding a CPU slot, with the plugin version they run. */
  private readonly onCpu = new Map<WorkerSlot, string>();
  /** Slots whose host reply is there, waiting for a CPU slot, in arrival order. */
  private readonly resumes: WorkerSlot[] = [];
  private readonly queues = new CallQueues();
  private readonly retirement: NodeJS.Timeout;
  private closed = false;
  /**
   * Set while dispatching: a slot may report events during `stage` (a fast worker can reach
   * a host call before `stage` returns); dispatching must not nest, so it runs again instead.
   */
  private dispatching = false;
  private dispatchAgain = false;

  constructor(
    private readonly host: PoolHost,
    private readonly options: WorkerPoolOptions,
  ) {
    for (let i = 0; i < options.cpuSlots; i++) this.addSlot();
    this.retirement = setInterval(() => this.retireIdleThreads(), Math.max(1000, options.idleTtlMs / 2)).unref();
  }

  run(task: PoolTask): Promise<CallOutcome> {
    if (this.closed) return Promise.resolve(closedOutcome);
    return new Promise((resolve) => {
      this.queues.push({ task, resolve });
      this.dispatch();
    });
  }

  /** Tells every worker to forget a plugin version (after reload or unload). */
  drop(pluginId: string): void {
    for (const slot of this.slots) slot.drop(pluginId);
  }

  stats(): PoolStats {
    let inHostCalls = 0;
    let idle = 0;
    let queued = this.queues.size;
    for (const slot of this.slots) {
      if (slot.inHostCall) inHostCalls++;
      else if (slot.idle) idle++;
      queued += Math.max(0, slot.load - 1);
    }
    const { cpuSlots } = this.options;
    return { threads: this.slots.size, cpuSlots, busy: this.onCpu.size, inHostCalls, idle, queued };
  }

  /** Ends every call (running ones with their threads, and their host work), then waits for the threads to stop. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.retirement);
    for (const job of this.queues.drain()) job.resolve(closedOutcome);
    const slots = [...this.slots];
    for (const slot of slots) slot.die(closedOutcome);
    await Promise.all(slots.map((slot) => slot.stopped));
  }

  private addSlot(): void {
    const slot = new WorkerSlot(this.host, this.options, {
      onAvailable: (available) => {
        if (available.load === 0) this.onCpu.delete(available);
        this.dispatch();
      },
      onDead: (dead, unstarted) => this.replace(dead, unstarted),
      onHostCall: (waiting, unstarted) => {
        this.onCpu.delete(waiting);
        this.queues.putBack(unstarted);
        this.dispatch();
      },
      onHostReply: (answered) => {
        this.resumes.push(answered);
        this.dispatch();
      },
    });
    this.slots.add(slot);
  }

  private replace(dead: WorkerSlot, unstarted: Job[]): void {
    this.onCpu.delete(dead);
    const resume = this.resumes.indexOf(dead);
    if (resume >= 0) this.resumes.splice(resume, 1);
    if (!this.slots.delete(dead) || this.closed) {
      for (const job of unstarted) job.resolve(closedOutcome);
      return;
    }
    this.queues.putBack(unstarted);
    if (this.slots.size < this.options.cpuSlots) this.addSlot();
    this.dispatch();
  }

  private dispatch(): void {
    if (this.closed) return;
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.dispatchAgain = false;
        this.admit();
        this.pipeline();
        this.startThreads();
        if (this.queues.size === 0) this.rebalance();
      } while (this.dispatchAgain && !this.closed);
    } finally {
      this.dispatching = false;
    }
  }

  /** Stages a call on a thread with nothing to do, which takes a CPU slot for it (first: staging may report a host call at once). */
  private begin(slot: WorkerSlot, job: Job): boolean {
    this.onCpu.set(slot, job.task.pluginId);
    if (slot.stage(job)) return true;
    this.onCpu.delete(slot);
    this.queues.putBack([job]);
    return false;
  }

  /** Gives CPU slots to answered host calls and to queued calls, fairly between plugins. */
  private admit(): void {
    const idle = [...this.slots].filter((slot) => slot.idle && !this.onCpu.has(slot));
    const threadFree = () => {
      while (idle.length > 0 && !idle.at(-1)!.idle) idle.pop();
      return idle.length > 0;
    };
    for (let plugin = this.nextPlugin(threadFree()); plugin !== undefined; plugin = this.nextPlugin(threadFree())) {
      const resume = this.resumes.findIndex((slot) => slot.runningPlugin === plugin);
      if (resume >= 0) {
        const slot = this.resumes.splice(resume, 1)[0]!;
        this.onCpu.set(slot, plugin);
        slot.resume();
        continue;
      }
      if (!this.begin(takeIdleThread(idle, plugin), this.queues.take(plugin)!)) return;
    }
  }

  /**
   * The plugin whose call gets a CPU slot next: while slots are free, the one with the
   * fewest calls on the CPU (ties rotate); when all are taken, one with none, as long as
   * the extra slots last. Queued calls count only when a thread is free for them.
   */
  private nextPlugin(threadFree: boolean): string | undefined {
    const { cpuSlots } = this.options;
    const busy = this.onCpu.size;
    if (busy >= 2 * cpuSlots) return undefined;
    let best: string | undefined;
    let fewest = Infinity;
    const consider = (plugin: string) => {
      const running = this.runningOf(plugin);
      if (running < fewest && (busy < cpuSlots || running === 0)) [best, fewest] = [plugin, running];
    };
    for (const slot of this.resumes) consider(slot.runningPlugin!);
    if (threadFree) for (const plugin of this.queues.plugins()) consider(plugin);
    return best;
  }

  private runningOf(plugin: string): number {
    let running = 0;
    for (const held of this.onCpu.values()) if (held === plugin) running++;
    return running;
  }

  /**
   * Stages queued calls behind running calls of the same plugin, so its thread goes on
   * without waiting for this one. Only while no other plugin has calls waiting: a thread
   * with calls staged keeps its CPU slot, which fair share must be able to give away.
   */
  private pipeline(): void {
    if (this.queues.pluginCount !== 1) return;
    for (const plugin of [...this.queues.plugins()]) {
      for (let slot = this.leastLoaded(plugin); slot; slot = this.leastLoaded(plugin)) {
        const job = this.queues.take(plugin);
        if (!job) break;
        if (!slot.stage(job)) {
          this.queues.putBack([job]);
          break;
        }
      }
    }
  }

  private leastLoaded(plugin: string): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    for (const [slot, held] of this.onCpu) {
      if (held === plugin && slot.canPipeline && (!best || slot.load < best.load)) best = slot;
    }
    return best;
  }

  /**
   * Starts threads when calls could have a CPU slot but every thread is taken: as many as
   * there are slots to run them (fair-share ones included), not one per queued call, so a
   * burst of short calls (a folder of plugins loading) does not start threads it cannot use.
   */
  private startThreads(): void {
    if (this.queues.size === 0 || this.nextPlugin(true) === undefined) return;
    let starting = 0;
    for (const slot of this.slots) if (slot.starting) starting++;
    const runnable = Math.min(this.queues.size, 2 * this.options.cpuSlots - this.onCpu.size);
    const wanted = Math.min(runnable - starting, this.options.maxThreads - this.slots.size, MAX_STARTING - starting);
    for (let i = 0; i < wanted; i++) this.addSlot();
  }

  /** A call staged behind a slow one moves to a thread that has nothing to do, when a CPU slot is free. */
  private rebalance(): void {
    for (const idle of this.slots) {
      if (!idle.idle || this.onCpu.size >= this.options.cpuSlots) continue;
      const busiest = [...this.slots].reduce((a, b) => (b.load > a.load ? b : a));
      const job = busiest.load > 1 && !busiest.inHostCall ? busiest.withdrawWaiting() : undefined;
      if (!job || !this.begin(idle, job)) return;
    }
  }

  /** Threads beyond the CPU slots that had nothing to do for the idle TTL stop. */
  private retireIdleThreads(): void {
    const cutoff = performance.now() - this.options.idleTtlMs;
    for (const slot of this.slots) {
      if (this.slots.size <= this.options.cpuSlots) return;
      if (slot.idle && slot.idleSince < cutoff) slot.die(closedOutcome);
    }
  }
}
