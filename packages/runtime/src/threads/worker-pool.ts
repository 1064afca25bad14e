import type { CallOutcome } from "./worker/messages.js";
import { type Job, type PoolHost, type PoolTask, type SlotOptions, WorkerSlot } from "./worker-slot.js";

export type { PoolHost, PoolTask } from "./worker-slot.js";

export interface PoolStats {
  readonly workers: number;
  /** Workers running a call. */
  readonly busy: number;
  /** Calls waiting to begin, in the pool's queue or staged behind a running call. */
  readonly queued: number;
}

export interface WorkerPoolOptions extends SlotOptions {
  readonly size: number;
}

const closedOutcome: CallOutcome = { type: "trap", message: "the plugin manager is closed" };

/**
 * Runs plugin calls on a fixed number of worker threads, in arrival order. Each worker
 * runs one call at a time and has a few more staged behind it (calls pipelined), so it
 * never waits for this thread between calls; a worker that runs out of work takes back
 * calls staged on a busy one. A worker whose call overruns its deadline is terminated
 * and replaced; the others go on.
 */
export class WorkerPool {
  private readonly slots = new Set<WorkerSlot>();
  private readonly queue: Job[] = [];
  private closed = false;
  /** Set while staging: a slot that collects results during `stage` asks for a dispatch, which must not nest. */
  private dispatching = false;

  constructor(
    private readonly host: PoolHost,
    private readonly options: WorkerPoolOptions,
  ) {
    for (let i = 0; i < options.size; i++) this.addSlot();
  }

  run(task: PoolTask): Promise<CallOutcome> {
    if (this.closed) return Promise.resolve(closedOutcome);
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.dispatch();
    });
  }

  /** Tells every worker to forget a plugin version (after reload or unload). */
  drop(pluginId: string): void {
    for (const slot of this.slots) slot.drop(pluginId);
  }

  stats(): PoolStats {
    let busy = 0;
    let queued = this.queue.length;
    for (const slot of this.slots) {
      if (slot.load > 0) busy++;
      queued += Math.max(0, slot.load - 1);
    }
    return { workers: this.slots.size, busy, queued };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(closedOutcome);
    const slots = [...this.slots];
    this.slots.clear();
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    for (const slot of slots) slot.die(closedOutcome);
  }

  private addSlot(): void {
    const slot = new WorkerSlot(this.host, this.options, {
      onAvailable: () => this.dispatch(),
      onDead: (dead, unstarted) => this.replace(dead, unstarted),
    });
    this.slots.add(slot);
  }

  private replace(dead: WorkerSlot, unstarted: Job[]): void {
    if (this.closed || !this.slots.delete(dead)) {
      for (const job of unstarted) job.resolve(closedOutcome);
      return;
    }
    this.queue.unshift(...unstarted);
    this.addSlot();
    this.dispatch();
  }

  /** Stages queued calls on the least loaded workers, then lets idle workers take back waiting calls. */
  private dispatch(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      this.stageQueued();
      if (this.queue.length === 0) this.rebalance();
    } finally {
      this.dispatching = false;
    }
  }

  private stageQueued(): void {
    for (let slot = this.leastLoaded(); slot && this.queue.length > 0; slot = this.leastLoaded()) {
      const job = this.queue.shift()!;
      if (!slot.stage(job)) {
        this.queue.unshift(job);
        return;
      }
    }
  }

  private leastLoaded(): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    for (const slot of this.slots) {
      if (slot.accepting && (!best || slot.load < best.load)) best = slot;
    }
    return best;
  }

  /** A call staged behind a slow one moves to a worker that has nothing to do. */
  private rebalance(): void {
    for (const idle of this.slots) {
      if (!idle.accepting || idle.load > 0) continue;
      const busiest = [...this.slots].reduce((a, b) => (b.load > a.load ? b : a));
      const job = busiest.load > 1 ? busiest.withdrawWaiting() : undefined;
      if (job && !idle.stage(job)) this.queue.unshift(job);
    }
  }
}
