import { StoreError } from "../errors.js";
import type { Logger } from "../options.js";
import type { ClaimedTask, TaskOutcome, TaskRecords } from "../store/plugin-store.js";
import { type QueueConfig, retryDelayMs } from "./queue-config.js";
import { RateLimit } from "./rate-limit.js";
import { Wakeup } from "./wakeup.js";

/** What a worker hands to the plugin (its `nd_task_execute`); the answer is the task's message. */
export type TaskExecutor = (request: {
  queueName: string;
  taskId: string;
  payload: Uint8Array;
  attempt: number;
}) => Promise<string>;

export interface WorkerSettings {
  pluginId: string;
  /** This host's name on the leases it takes. */
  owner: string;
  records: TaskRecords;
  execute: TaskExecutor;
  leaseMs: number;
  pollIntervalMs: number;
  logger: Logger;
  now: () => number;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The `concurrency` workers of one queue: claim a due task, run it, record the outcome. */
export class QueueWorkers {
  private readonly wakeup = new Wakeup();
  private readonly rateLimit: RateLimit;
  private readonly running = new Map<string, Promise<void>>();
  /** Tasks handed back by `stop`: their late outcome is not recorded. */
  private readonly released = new Set<string>();
  private stopping = false;
  private readonly loops: Promise<void>[] = [];
  /** Resolved when `stop` stops waiting for running tasks: their loops end without them. */
  private giveUp: () => void = () => {};
  private readonly gaveUp = new Promise<void>((resolve) => (this.giveUp = resolve));

  constructor(
    private readonly queueName: string,
    private readonly config: QueueConfig,
    private readonly settings: WorkerSettings,
  ) {
    this.rateLimit = new RateLimit(config.delayMs, settings.now);
    for (let index = 0; index < config.concurrency; index++) this.loops.push(this.loop());
  }

  /** A task was enqueued here: idle workers look now rather than at their next poll. */
  wake(): void {
    this.wakeup.wake();
  }

  /**
   * Stops claiming, lets running tasks finish for up to `graceMs`, then hands the rest back
   * (pending again, attempt not counted) and answers once no worker uses the store any more.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wakeup.stop();
    const grace = new Wakeup();
    await Promise.race([Promise.all(this.running.values()), grace.sleep(graceMs)]);
    grace.stop();
    for (const taskId of this.running.keys()) {
      this.released.add(taskId);
      await this.release(taskId);
    }
    this.giveUp();
    // Every loop is done with the store (a claim in flight is released) before the store closes.
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    const { records, now } = this.settings;
    while (!this.stopping) {
      const giveBack = await this.rateLimit.take(this.wakeup, () => this.stopping);
      if (this.stopping) return;
      let task: ClaimedTask | undefined;
      try {
        task = await records.claim(this.queueName, this.lease(), now());
      } catch (error) {
        giveBack();
        this.report("claiming a task failed", error);
        await this.wakeup.sleep(this.settings.pollIntervalMs);
        continue;
      }
      if (task && this.stopping) {
        await this.release(task.id);
        return;
      }
      if (!task) {
        giveBack();
        await this.wakeup.sleep(await this.idleMs());
        continue;
      }
      const run = this.run(task);
      this.running.set(task.id, run);
      await Promise.race([run, this.gaveUp]);
      this.running.delete(task.id);
    }
  }

  private async release(taskId: string): Promise<void> {
    const { records, owner, now } = this.settings;
    await records.release(taskId, owner, now()).catch((error) => this.report("releasing a task failed", error));
  }

  private async run(task: ClaimedTask): Promise<void> {
    const { records, owner, now, leaseMs } = this.settings;
    const renewal = setInterval(() => {
      records.renew(task.id, this.lease()).catch((error) => this.report("renewing a task lease failed", error));
    }, leaseMs / 3).unref();
    let outcome: TaskOutcome;
    try {
      const message = await this.settings.execute({
        queueName: this.queueName,
        taskId: task.id,
        payload: task.payload,
        attempt: task.attempt,
      });
      outcome = { status: "completed", message };
    } catch (error) {
      outcome = this.afterFailure(task.attempt, errorText(error));
    } finally {
      clearInterval(renewal);
    }
    if (this.released.has(task.id)) return;
    await records.finish(task.id, owner, outcome, now()).catch((error) => this.report("recording a task outcome failed", error));
  }

  private afterFailure(attempt: number, message: string): TaskOutcome {
    if (attempt > this.config.maxRetries) return { status: "failed", message };
    return { status: "pending", message, nextRunAtMs: this.settings.now() + retryDelayMs(this.config, attempt) };
  }

  /** Until the next pending task is due, or the next poll (tasks enqueued by other hosts) if sooner. */
  private async idleMs(): Promise<number> {
    const { records, now, pollIntervalMs } = this.settings;
    const next = await records.nextRunAt(this.queueName).catch(() => undefined);
    return next === undefined ? pollIntervalMs : Math.min(Math.max(next - now(), 0), pollIntervalMs);
  }

  private lease() {
    return { owner: this.settings.owner, untilMs: this.settings.now() + this.settings.leaseMs };
  }

  /** An unreachable store is reported once by its connection; each worker's retry is only a debug line. */
  private report(message: string, error: unknown): void {
    const unreachable = error instanceof StoreError && error.reason === "unavailable";
    const log = unreachable ? this.settings.logger.debug : this.settings.logger.error;
    log.call(this.settings.logger, message, { plugin: this.settings.pluginId, queue: this.queueName, error: errorText(error) });
  }
}
