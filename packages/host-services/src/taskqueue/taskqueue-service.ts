import { StoreError } from "../errors.js";
import type { Logger } from "../options.js";
import type { TaskRecords, TaskStatus } from "../store/plugin-store.js";
import { type QueueConfig, queueConfig } from "./queue-config.js";
import { QueueWorkers, type TaskExecutor } from "./queue-workers.js";
import { newTaskId } from "./task-id.js";
import { nodeCrypto } from "../node-builtins.js";

/** Navidrome's bounds of a queue name and a task payload. */
export const MAX_QUEUE_NAME_BYTES = 128;
export const MAX_PAYLOAD_BYTES = 1_048_576;
/** How often finished tasks past their queue's retention are deleted. */
const SWEEP_INTERVAL_MS = 5 * 60_000;

/** Task queue (generation 2): the plugin's persistent queues, run by its TaskWorker. */
export interface TaskQueueService {
  createQueue(name: string, config?: Partial<QueueConfig>): Promise<void>;
  /** Answers the new task's id. */
  enqueue(queueName: string, payload: Uint8Array): Promise<string>;
  get(taskId: string): Promise<{ status: TaskStatus; message: string; attempt: number }>;
  cancel(taskId: string): Promise<void>;
  /** Cancels the queue's pending tasks; answers how many. */
  clearQueue(queueName: string): Promise<number>;
}

export interface ClosableTaskQueueService extends TaskQueueService {
  /** Stops the workers; tasks still running after the grace go back to pending. */
  close(): Promise<void>;
}

export interface TaskQueueSettings {
  pluginId: string;
  /** The plugin's task records, its store opened on first use. */
  open: () => Promise<TaskRecords>;
  /** The manifest's `taskqueue.maxConcurrency`: workers over all the plugin's queues. */
  maxConcurrency: number;
  /** Undefined: the plugin has no TaskWorker, tasks wait. */
  execute: TaskExecutor | undefined;
  /** Several hosts share the store: a new queue leaves other hosts' running tasks alone. */
  shared: boolean;
  limits: { maxQueues: number; maxLiveTasks: number; leaseMs: number; pollIntervalMs: number; stopGraceMs: number };
  logger: Logger;
  now?: () => number;
}

interface Queue {
  config: QueueConfig;
  workers: QueueWorkers | undefined;
  sweep: NodeJS.Timeout;
}

export function createTaskQueueService(settings: TaskQueueSettings): ClosableTaskQueueService {
  const { pluginId, open, limits, logger } = settings;
  const now = settings.now ?? Date.now;
  const owner = nodeCrypto().randomUUID();
  const queues = new Map<string, Queue>();
  let closed = false;

  const sweep = (records: TaskRecords, name: string, config: QueueConfig) =>
    records.sweep(name, now() - config.retentionMs).catch((error) =>
      logger.error("sweeping finished tasks failed", { plugin: pluginId, queue: name, error: String(error) }),
    );

  function queueOf(name: string): Queue {
    const queue = queues.get(name);
    if (!queue) throw new StoreError("not-found", `queue "${name}" does not exist`);
    return queue;
  }

  function allotConcurrency(requested: number): number {
    const allocated = [...queues.values()].reduce((sum, queue) => sum + queue.config.concurrency, 0);
    const left = settings.maxConcurrency - allocated;
    if (left <= 0) {
      throw new StoreError("limit", `concurrency budget exhausted (${allocated}/${settings.maxConcurrency} allocated)`);
    }
    return Math.min(requested, left);
  }

  function checkName(name: string): void {
    const bytes = Buffer.byteLength(name);
    if (bytes === 0 || bytes > MAX_QUEUE_NAME_BYTES) {
      throw new StoreError("invalid", `queue name must be 1 to ${MAX_QUEUE_NAME_BYTES} bytes (got ${bytes})`);
    }
  }

  return {
    async createQueue(name, requested) {
      checkName(name);
      const records = await open();
      if (closed) throw new StoreError("unavailable", `the task queues of plugin "${pluginId}" are closed`);
      if (queues.has(name)) throw new StoreError("conflict", `queue "${name}" already exists`);
      if (queues.size >= limits.maxQueues) {
        throw new StoreError("limit", `too many queues: a plugin may create at most ${limits.maxQueues}`);
      }
      const config = queueConfig(requested);
      config.concurrency = allotConcurrency(config.concurrency);
      const queue: Queue = {
        config,
        workers: undefined,
        sweep: setInterval(() => sweep(records, name, config), SWEEP_INTERVAL_MS).unref(),
      };
      queues.set(name, queue);
      try {
        await records.reviveRunning(name, !settings.shared, now());
      } catch (error) {
        clearInterval(queue.sweep);
        queues.delete(name);
        throw error;
      }
      if (settings.execute && !closed) {
        const execute = settings.execute;
        queue.workers = new QueueWorkers(name, config, { ...limits, pluginId, owner, records, execute, logger, now });
      }
      void sweep(records, name, config);
    },
    async enqueue(queueName, payload) {
      const queue = queueOf(queueName);
      if (payload.byteLength > MAX_PAYLOAD_BYTES) {
        throw new StoreError(
          "invalid",
          `payload size ${payload.byteLength} exceeds the maximum of ${MAX_PAYLOAD_BYTES} bytes`,
        );
      }
      const id = newTaskId(now());
      if (!(await (await open()).add({ id, queueName, payload }, limits.maxLiveTasks, now()))) {
        throw new StoreError("limit", `too many queued tasks: a plugin may have at most ${limits.maxLiveTasks} pending or running`);
      }
      queue.workers?.wake();
      return id;
    },
    async get(taskId) {
      const task = await (await open()).get(taskId);
      if (!task) throw new StoreError("not-found", `task "${taskId}" not found`);
      return { status: task.status, message: task.message, attempt: task.attempt };
    },
    async cancel(taskId) {
      const status = await (await open()).cancel(taskId, now());
      if (status === undefined) throw new StoreError("not-found", `task "${taskId}" not found`);
      if (status !== "pending") {
        throw new StoreError("conflict", `task "${taskId}" cannot be cancelled (status: ${status})`);
      }
    },
    async clearQueue(queueName) {
      queueOf(queueName);
      return (await open()).clearQueue(queueName, now());
    },
    async close() {
      if (closed) return;
      closed = true;
      const stopping = [...queues.values()].map((queue) => {
        clearInterval(queue.sweep);
        return queue.workers?.stop(limits.stopGraceMs);
      });
      queues.clear();
      await Promise.all(stopping);
    },
  };
}
