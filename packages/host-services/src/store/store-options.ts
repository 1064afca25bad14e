import { ConfigurationError } from "../errors.js";

/** Where generation 2's kvstore and task queues keep their data, and the task queue's bounds. */
export interface StoreOptions {
  /** SQLite files go to `<dataFolder>/plugin-state/<plugin id>/state.db`. */
  dataFolder?: string;
  /**
   * `redis://` or `rediss://` URL of a Redis or Valkey server shared by several hosts; it wins over
   * `dataFolder`. Neither given: an in-memory SQLite database per plugin, lost when the plugin unloads.
   */
  url?: string;
  /** Deadline of one Redis command; past it the host call answers "store unavailable". Default 5 000. */
  timeoutMs?: number;
  /** Queues per plugin. Default 32. */
  maxQueuesPerPlugin?: number;
  /** Pending and running tasks per plugin. Default 10 000. */
  maxTasksPerPlugin?: number;
  /** How long a running task is held by its host without renewal (Redis: a dead host's tasks rerun after it). Default 60 000. */
  taskLeaseMs?: number;
  /** How often idle workers look for tasks enqueued elsewhere. Default 5 000. */
  taskPollIntervalMs?: number;
  /** On unload, how long running tasks may finish before they go back to pending. Default 10 000. */
  taskStopGraceMs?: number;
  /** Told of every run this host finished: a host's counters of task outcomes. */
  onTaskOutcome?: (report: TaskOutcomeReport) => void;
}

/** One finished run: "retried" failed but has attempts left. */
export interface TaskOutcomeReport {
  pluginId: string;
  outcome: "completed" | "failed" | "retried";
}

export interface ResolvedStoreOptions {
  dataFolder: string | undefined;
  url: string | undefined;
  timeoutMs: number;
  maxQueuesPerPlugin: number;
  maxTasksPerPlugin: number;
  taskLeaseMs: number;
  taskPollIntervalMs: number;
  taskStopGraceMs: number;
  onTaskOutcome: ((report: TaskOutcomeReport) => void) | undefined;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError(`host services option store.${name} must be an integer >= 0, got ${value}`);
  }
  return value;
}

function checkUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new ConfigurationError("host services option store.url is not a URL");
  }
  if (protocol !== "redis:" && protocol !== "rediss:") {
    throw new ConfigurationError(`host services option store.url must be redis:// or rediss://, got ${protocol}//`);
  }
  return url;
}

export function resolveStoreOptions(store: StoreOptions = {}): ResolvedStoreOptions {
  return {
    dataFolder: store.dataFolder,
    url: checkUrl(store.url),
    timeoutMs: positiveInteger(store.timeoutMs, 5000, "timeoutMs"),
    maxQueuesPerPlugin: positiveInteger(store.maxQueuesPerPlugin, 32, "maxQueuesPerPlugin"),
    maxTasksPerPlugin: positiveInteger(store.maxTasksPerPlugin, 10_000, "maxTasksPerPlugin"),
    taskLeaseMs: positiveInteger(store.taskLeaseMs, 60_000, "taskLeaseMs"),
    taskPollIntervalMs: positiveInteger(store.taskPollIntervalMs, 5000, "taskPollIntervalMs"),
    taskStopGraceMs: positiveInteger(store.taskStopGraceMs, 10_000, "taskStopGraceMs"),
    onTaskOutcome: store.onTaskOutcome,
  };
}
