import type { CallOutcome } from "./worker/messages.js";
import { CallQueues } from "./call-queues.js";
import { type Job, type PoolHost, type PoolTask, type SlotOptions, WorkerSlot } from "./worker-slot.js";

export type { PoolHost, PoolTask } from "./worker-slot.js";

export interface PoolStats {
  /** Worker threads alive, starting ones included. */
  readonly threads: number;
  /** Calls allowed to run plugin code at once (the `workers` option). */
  readonly cpuSlots: number;
  /** Threads running plugin code now; above `cpuSlots` only while a starved plugin is let in. */
  readonly busy: number;
  /** Calls waiting in a host call (or for a CPU slot to go on after the reply); they hold no thread of their own. */
  readonly inHostCalls: number;
  /** Threads holding no call. */
  readonly idle: number;
  /** Calls waiting to begin, in the pool's queues or staged behind running work. */
  readonly queued: number;
}

export interface WorkerPoolOptions extends SlotOptions {
  /** CPU slots: threads running plugin code at once; also the threads kept when idle (started on demand). */
  readonly cpuSlots: number;
  /** Threads at most, host-wide. */
  readonly maxThreads: number;
}

const closedOutcome: CallOutcome = { type: "closed" };

/** Threads started at once when calls wait for one: a start costs a core about 25 ms. */
const MAX_STARTING = 8;
/** Threads kept ahead for plugins whose calls wait in host calls, beyond the CPU slots. */
const MAX_AHEAD = 8;
/**
 * How long every CPU slot must stay with the same calls before a thread starts for a
 * fair-share extra slot: about what a thread takes to start, so a burst of short calls
 * (a folder of plugins loading) starts none, while a runaway still lets others in.
 */
const EXTRA_SLOT_DELAY_MS = 25;

/**
 * Runs plugin calls on worker threads, Go-style: a thread running plugin code holds one of
 * `cpuSlots` CPU slots; a call waiting in a host call holds none, and its stack stays
 * suspended on its thread (WebAssembly JSPI) while the thread runs other calls of the
 * same plugin. A thread is pinned to one plugin version while it holds any of its calls,
 * so a deadline that must stop a thread (a runaway loop) never ends another plugin's
 * call; a plugin's calls share its threads. A host reply waits for a CPU slot before its
 * call goes on, ahead of calls not begun yet. Fair share: a free slot goes to the plugin
 * with the fewest threads on the CPU, and a plugin with none gets an extra slot (up to
 * `cpuSlots` extra) when all are taken, so a runaway plugin never makes another wait.
 * Extra idle threads retire after `idleTtlMs`.
 */
export class WorkerPool {
  private readonly slots = new Set<WorkerSlot>();
  /** Slots holding a CPU slot, with the plugin version they run. */
  private readonly onCpu = new Map<WorkerSlot, string>();
  /** When each slot on the CPU took it. */
  private readonly cpuSince = new Map<WorkerSlot, number>();
  private extraSlotCheck?: NodeJS.Timeout;
  /** Slots off the CPU with host replies waiting for a CPU slot, in arrival order. */
  private readonly resumes: WorkerSlot[] = [];
  private readonly queues = new CallQueues();
  /** Plugin versions whose calls have waited in host calls: their calls mostly wait, not compute. */
  private readonly waiters = new Set<string>();
  /** When each plugin version's call last began waiting in a host call. */
  private readonly lastWaits = new Map<string, number>();
  private readonly retirement: NodeJS.Timeout;
  private closed = false;
  /**
   * Set while dispatching: a slot may report events during `stage`; dispatching must not
   * nest, so it runs again instead.
   */
  private dispatching = false;
  private dispatchAgain = false;
  /** Calls made in the same turn are dispatched together, so a burst is spread over the plugins at once. */
  private dispatchSoon = false;

  constructor(
    private readonly host: PoolHost,
    private readonly options: WorkerPoolOptions,
  ) {
    // One thread now, so the first call finds it started; the others when calls need them.
    this.addSlot();
    this.retirement = setInterval(() => this.retireIdleThreads(), Math.max(1000, options.idleTtlMs / 2)).unref();
  }

  run(task: PoolTask): Promise<CallOutcome> {
    if (this.closed) return Promise.resolve(closedOutcome);
    return new Promise((resolve) => {
      this.queues.push({ task, resolve });
      if (this.dispatchSoon) return;
      this.dispatchSoon = true;
      queueMicrotask(() => {
        this.dispatchSoon = false;
        this.dispatch();
      });
    });
  }

  /** Tells every worker to forget a plugin version (after reload or unload). */
  drop(pluginId: string): void {
    this.waiters.delete(pluginId);
    this.lastWaits.delete(pluginId);
    for (const slot of this.slots) slot.drop(pluginId);
  }

  stats(): PoolStats {
    let inHostCalls = 0;
    let idle = 0;
    let queued = this.queues.size;
    for (const slot of this.slots) {
      inHostCalls += slot.inHostCalls;
      if (slot.idle) idle++;
      queued += slot.unbegun;
    }
    const { cpuSlots } = this.options;
    return { threads: this.slots.size, cpuSlots, busy: this.onCpu.size, inHostCalls, idle, queued };
  }

  /** Ends every call (running ones with their threads, and their host work), then waits for the threads to stop. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.retirement);
    clearTimeout(this.extraSlotCheck);
    for (const job of this.queues.drain()) job.resolve(closedOutcome);
    const slots = [...this.slots];
    for (const slot of slots) slot.die(closedOutcome);
    await Promise.all(slots.map((slot) => slot.stopped));
  }

  private addSlot(): void {
    const slot = new WorkerSlot(this.host, this.options, {
      onAvailable: (available) => {
        if (available.load === 0) this.leaveCpu(available);
        this.dispatch();
      },
      onDead: (dead, unstarted) => this.replace(dead, unstarted),
      onSuspended: (pluginId) => {
        this.waiters.add(pluginId);
        this.lastWaits.set(pluginId, performance.now());
        this.startAhead();
      },
      onHostReply: (answered) => {
        if (!this.resumes.includes(answered)) this.resumes.push(answered);
        this.dispatch();
      },
    });
    this.slots.add(slot);
  }

  private replace(dead: WorkerSlot, unstarted: Job[]): void {
    this.leaveCpu(dead);
    const resume = this.resumes.indexOf(dead);
    if (resume >= 0) this.resumes.splice(resume, 1);
    if (!this.slots.delete(dead) || this.closed) {
      for (const job of unstarted) job.resolve(closedOutcome);
      return;
    }
    this.queues.putBack(unstarted);
    if (this.slots.size === 0) this.addSlot();
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

  private takeCpu(slot: WorkerSlot, plugin: string): void {
    if (!this.onCpu.has(slot)) this.cpuSince.set(slot, performance.now());
    this.onCpu.set(slot, plugin);
  }

  private leaveCpu(slot: WorkerSlot): void {
    this.onCpu.delete(slot);
    this.cpuSince.delete(slot);
  }

  /** Stages a call on a thread off the CPU, which takes a CPU slot for it (first: staging may report events at once). */
  private begin(slot: WorkerSlot, job: Job): boolean {
    this.takeCpu(slot, job.task.pluginId);
    if (slot.stage(job)) return true;
    if (slot.load === 0) this.leaveCpu(slot);
    this.queues.putBack([job]);
    return false;
  }

  /** Gives CPU slots to answered host calls and to queued calls, fairly between plugins. */
  private admit(): void {
    for (let plugin = this.nextPlugin(); plugin !== undefined; plugin = this.nextPlugin()) {
      const resume = this.resumes.findIndex((slot) => slot.owner === plugin);
      if (resume >= 0) {
        const slot = this.resumes.splice(resume, 1)[0]!;
        this.takeCpu(slot, plugin);
        slot.resume();
        if (slot.load === 0) this.leaveCpu(slot);
        continue;
      }
      if (!this.begin(this.threadFor(plugin)!, this.queues.take(plugin)!)) return;
    }
  }

  /**
   * A thread off the CPU where a plugin's call may begin: one pinned to the plugin (its
   * other calls wait there in host calls), else an idle one that ran it before (its
   * instance is warm), else any idle one. A plugin that holds a thread already gets an
   * idle one only while every plugin with calls waiting holds one: threads go first to
   * plugins that have none.
   */
  private threadFor(plugin: string): WorkerSlot | undefined {
    let idle: WorkerSlot | undefined;
    const holders = new Set<string>();
    for (const slot of this.slots) {
      if (slot.owner !== undefined) holders.add(slot.owner);
      if (this.onCpu.has(slot)) continue;
      if (slot.parkedFor(plugin)) return slot;
      if (slot.idle && (!idle || (!idle.knows(plugin) && slot.knows(plugin)))) idle = slot;
    }
    if (!idle || !holders.has(plugin)) return idle;
    for (const waiting of this.queues.plugins()) if (!holders.has(waiting)) return undefined;
    return idle;
  }

  /**
   * The plugin whose work gets a CPU slot next: while slots are free, the one with the
   * fewest threads on the CPU (ties rotate); when all are taken, one with none, as long
   * as the extra slots last. Queued calls count only when a thread is free for them.
   */
  private nextPlugin(): string | undefined {
    let best: string | undefined;
    let fewest = Infinity;
    const consider = (plugin: string, hasThread: () => boolean) => {
      const running = this.canRun(plugin);
      if (running !== undefined && running < fewest && hasThread()) [best, fewest] = [plugin, running];
    };
    for (const slot of this.resumes) consider(slot.owner!, () => true);
    for (const plugin of this.queues.plugins()) consider(plugin, () => this.threadFor(plugin) !== undefined);
    return best;
  }

  /** How many threads of the plugin are on the CPU, when fair share lets it have one more; else undefined. */
  private canRun(plugin: string): number | undefined {
    const { cpuSlots } = this.options;
    const busy = this.onCpu.size;
    if (busy >= 2 * cpuSlots) return undefined;
    let running = 0;
    for (const held of this.onCpu.values()) if (held === plugin) running++;
    return busy < cpuSlots || running === 0 ? running : undefined;
  }

  /**
   * Stages queued calls behind running work of the same plugin, so its thread goes on
   * without waiting for this one: a call that suspends in a host call lets the next one
   * begin at once. The thread still holds one CPU slot, so fair share is unchanged.
   */
  private pipeline(): void {
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
   * Starts threads for plugins that could have a CPU slot but hold no thread: as many as
   * there are slots to run them (fair-share ones included), not one per queued call, so a
   * burst of short calls (a folder of plugins loading) does not start threads it cannot
   * use. A plugin whose calls have waited in host calls before gets its thread without
   * waiting for a slot: its calls will mostly wait, so a burst of them (8 plugins calling
   * their upstreams at once) starts their threads in one go. A plugin that holds a thread
   * waits for it: its calls are staged there.
   */
  private startThreads(): void {
    if (this.queues.size === 0) return;
    let starting = 0;
    let idle = 0;
    const holding = new Set<string>();
    for (const slot of this.slots) {
      if (slot.starting) starting++;
      if (slot.idle) idle++;
      if (slot.owner !== undefined) holding.add(slot.owner);
    }
    // Threads up to the CPU slots start on demand, one at a time, for any call waiting.
    if (this.slots.size < this.options.cpuSlots && starting === 0 && idle === 0 && this.onCpu.size < this.options.cpuSlots) {
      this.addSlot();
      return;
    }
    let homeless = 0;
    let waiting = 0;
    for (const plugin of this.queues.plugins()) {
      if (holding.has(plugin) || this.threadFor(plugin) !== undefined) continue;
      if (this.waiters.has(plugin)) waiting++;
      else if (this.canRun(plugin) !== undefined) homeless++;
    }
    const runnable = Math.min(homeless, this.slotsForHomeless()) + waiting;
    const wanted = Math.min(runnable - starting, this.options.maxThreads - this.slots.size, MAX_STARTING - starting);
    for (let i = 0; i < wanted; i++) this.addSlot();
  }

  /**
   * CPU slots that plugins holding no thread could run on now: the free ones, else the
   * fair-share extras once every slot has been held by the same calls for
   * EXTRA_SLOT_DELAY_MS (until then, the pool looks again when that time comes).
   */
  private slotsForHomeless(): number {
    const { cpuSlots } = this.options;
    const busy = this.onCpu.size;
    if (busy < cpuSlots) return cpuSlots - busy;
    const held = performance.now() - Math.max(...this.cpuSince.values());
    if (held >= EXTRA_SLOT_DELAY_MS) return Math.max(0, 2 * cpuSlots - busy);
    this.extraSlotCheck ??= setTimeout(() => {
      this.extraSlotCheck = undefined;
      this.dispatch();
    }, EXTRA_SLOT_DELAY_MS - held).unref();
    return 0;
  }

  /** A call staged behind a slow one moves to a thread that has nothing to do, when a CPU slot is free. */
  private rebalance(): void {
    for (const idle of this.slots) {
      if (!idle.idle || this.onCpu.has(idle) || this.onCpu.size >= this.options.cpuSlots) continue;
      const busiest = [...this.slots].reduce((a, b) => (b.load > a.load ? b : a));
      const job = busiest.load > 1 ? busiest.withdrawWaiting() : undefined;
      if (!job || !this.begin(idle, job)) return;
    }
  }

  /**
   * Threads for the plugins whose calls waited in host calls within the idle TTL, one
   * each: their calls come in bursts that hold a thread per plugin for as long as they
   * wait, and a thread started only then makes every call of the burst wait for it.
   */
  private threadsAhead(): number {
    const since = performance.now() - this.options.idleTtlMs;
    for (const [plugin, at] of this.lastWaits) if (at < since) this.lastWaits.delete(plugin);
    return Math.min(this.lastWaits.size, this.aheadLimit());
  }

  private aheadLimit(): number {
    return Math.min(this.options.cpuSlots + MAX_AHEAD, this.options.maxThreads);
  }

  /** A call began waiting in a host call: starts the threads ahead that are missing. */
  private startAhead(): void {
    if (this.closed || this.slots.size >= this.aheadLimit()) return;
    let starting = 0;
    for (const slot of this.slots) if (slot.starting) starting++;
    const wanted = Math.min(this.threadsAhead() - this.slots.size, MAX_STARTING - starting);
    for (let i = 0; i < wanted; i++) this.addSlot();
  }

  /** Threads beyond the CPU slots and the threads ahead that had nothing to do for the idle TTL stop. */
  private retireIdleThreads(): void {
    const cutoff = performance.now() - this.options.idleTtlMs;
    const kept = Math.max(this.options.cpuSlots, this.threadsAhead());
    for (const slot of this.slots) {
      if (this.slots.size <= kept) return;
      if (slot.idle && slot.idleSince < cutoff) slot.die(closedOutcome);
    }
  }
}
