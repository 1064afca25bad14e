/**
 * The persistent state of one plugin (its kvstore and its tasks), in one namespace no other
 * plugin can reach. Every time is a Unix time in milliseconds given by the caller, so tests can
 * choose the clock; on Redis, kvstore expiry alone follows the server's clock (shared by every
 * host), and `nowMs` only turns an expiry time into a time to live.
 */
export interface PluginStore {
  readonly kv: KvRecords;
  readonly tasks: TaskRecords;
  /** Releases what this plugin's store holds (its database file); the host-wide connection stays. */
  close(): Promise<void>;
}

export interface KvRecords {
  /**
   * Writes `value` under `key` (no expiry when `expiresAtMs` is undefined) unless the write grows the
   * bytes of live values past `maxBytes`; then nothing is written and the answer says so.
   */
  put(key: string, value: Uint8Array, expiresAtMs: number | undefined, maxBytes: number, nowMs: number): Promise<PutResult>;
  get(key: string, nowMs: number): Promise<Uint8Array | undefined>;
  /** Only the live keys found, in no particular order. */
  getMany(keys: readonly string[], nowMs: number): Promise<Map<string, Uint8Array>>;
  /** Live keys starting with `prefix` (byte for byte, case-sensitive), ordered. */
  list(prefix: string, nowMs: number): Promise<string[]>;
  delete(key: string): Promise<void>;
  /** Removes every key starting with `prefix`, expired ones included; answers how many live ones went. */
  deleteByPrefix(prefix: string, nowMs: number): Promise<number>;
  /** Bytes of the values of live keys. */
  bytesUsed(nowMs: number): Promise<number>;
}

export type PutResult = { written: true } | { written: false; usedBytes: number };

export type TaskStatus = "pending" | "running" | "completed" | "failed" | "cancelled";

export interface TaskRecord {
  id: string;
  queueName: string;
  status: TaskStatus;
  message: string;
  /** Runs started, the current one included. */
  attempt: number;
}

export interface ClaimedTask extends TaskRecord {
  payload: Uint8Array;
}

export interface NewTask {
  id: string;
  queueName: string;
  payload: Uint8Array;
}

/** Who holds a running task, and until when: a task whose lease ran out is pending again. */
export interface Lease {
  owner: string;
  untilMs: number;
}

export interface TaskDepth {
  pending: number;
  running: number;
}

export type TaskOutcome =
  | { status: "completed" | "failed"; message: string }
  | { status: "pending"; message: string; nextRunAtMs: number };

export interface TaskRecords {
  /** Stores a pending task unless the plugin already has `maxLive` pending or running ones (answers false). */
  add(task: NewTask, maxLive: number, nowMs: number): Promise<boolean>;
  get(taskId: string): Promise<TaskRecord | undefined>;
  /** Cancels a pending task; answers the status it had (undefined: no such task). */
  cancel(taskId: string, nowMs: number): Promise<TaskStatus | undefined>;
  /** Cancels every pending task of the queue; answers how many. */
  clearQueue(queueName: string, nowMs: number): Promise<number>;
  /**
   * Takes the due pending task of the queue that is oldest by run time then creation, after turning
   * running tasks whose lease ran out back into pending ones (their attempt not counted).
   */
  claim(queueName: string, lease: Lease, nowMs: number): Promise<ClaimedTask | undefined>;
  /** When the queue's next pending task is due, if it has one. */
  nextRunAt(queueName: string): Promise<number | undefined>;
  /** Extends the lease; false when the task is no longer this owner's. */
  renew(taskId: string, lease: Lease): Promise<boolean>;
  /** Records the outcome of a run, if the task is still this owner's. */
  finish(taskId: string, owner: string, outcome: TaskOutcome, nowMs: number): Promise<void>;
  /** An interrupted run: the task is pending again and the attempt does not count. */
  release(taskId: string, owner: string, nowMs: number): Promise<void>;
  /**
   * A queue (re)created by a new load: its running tasks go back to pending, attempt not counted.
   * `everyHolder` false leaves tasks whose lease is still live alone (other hosts may run them).
   */
  reviveRunning(queueName: string, everyHolder: boolean, nowMs: number): Promise<void>;
  /** How many of the plugin's tasks, over every queue, wait and run (a running one may hold an ended lease). */
  depth(): Promise<TaskDepth>;
  /** Deletes the queue's completed, failed and cancelled tasks last updated before `beforeMs`. */
  sweep(queueName: string, beforeMs: number): Promise<number>;
}
