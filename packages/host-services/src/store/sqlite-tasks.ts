import type { DatabaseSync } from "node:sqlite";
import type { ClaimedTask, TaskRecord, TaskRecords } from "./plugin-store.js";
import { inTransaction } from "./sqlite-database.js";

const RECORD = "id, queue AS queueName, status, message, attempt";
const TERMINAL = "('completed', 'failed', 'cancelled')";
/** Back to pending without counting the attempt that did not finish. */
const REVIVE =
  "UPDATE tasks SET status = 'pending', attempt = max(attempt - 1, 0), lease_owner = NULL, lease_until = NULL, updated_at = $now";

export function sqliteTaskRecords(db: DatabaseSync): TaskRecords {
  const live = db.prepare("SELECT count(*) AS n FROM tasks WHERE status IN ('pending', 'running')");
  const depth = db.prepare("SELECT status, count(*) AS n FROM tasks WHERE status IN ('pending', 'running') GROUP BY status");
  const insert = db.prepare(
    "INSERT INTO tasks (id, queue, payload, status, next_run_at, created_at, updated_at) " +
      "VALUES ($id, $queue, $payload, 'pending', $now, $now, $now)",
  );
  const getOne = db.prepare(`SELECT ${RECORD} FROM tasks WHERE id = $id`);
  const cancelOne = db.prepare("UPDATE tasks SET status = 'cancelled', updated_at = $now WHERE id = $id");
  const clear = db.prepare(
    "UPDATE tasks SET status = 'cancelled', updated_at = $now WHERE queue = $queue AND status = 'pending'",
  );
  const reviveExpired = db.prepare(
    `${REVIVE} WHERE queue = $queue AND status = 'running' AND lease_until <= $now`,
  );
  const reviveAll = db.prepare(`${REVIVE} WHERE queue = $queue AND status = 'running'`);
  const due = db.prepare(
    "SELECT id FROM tasks WHERE queue = $queue AND status = 'pending' AND next_run_at <= $now " +
      "ORDER BY next_run_at, created_at, rowid LIMIT 1",
  );
  const take = db.prepare(
    "UPDATE tasks SET status = 'running', attempt = attempt + 1, lease_owner = $owner, lease_until = $until, " +
      `updated_at = $now WHERE id = $id RETURNING ${RECORD}, payload`,
  );
  const next = db.prepare(
    "SELECT min(next_run_at) AS at FROM tasks WHERE queue = $queue AND status = 'pending'",
  );
  const renew = db.prepare(
    "UPDATE tasks SET lease_until = $until WHERE id = $id AND status = 'running' AND lease_owner = $owner",
  );
  const finish = db.prepare(
    "UPDATE tasks SET status = $status, message = $message, next_run_at = coalesce($next, next_run_at), " +
      "lease_owner = NULL, lease_until = NULL, updated_at = $now " +
      "WHERE id = $id AND status = 'running' AND lease_owner = $owner",
  );
  const release = db.prepare(`${REVIVE} WHERE id = $id AND status = 'running' AND lease_owner = $owner`);
  const sweep = db.prepare(`DELETE FROM tasks WHERE queue = $queue AND status IN ${TERMINAL} AND updated_at < $before`);

  return {
    async add(task, maxLive, now) {
      return inTransaction(db, () => {
        if ((live.get() as { n: number }).n >= maxLive) return false;
        insert.run({ id: task.id, queue: task.queueName, payload: task.payload, now });
        return true;
      });
    },
    async get(taskId) {
      return getOne.get({ id: taskId }) as TaskRecord | undefined;
    },
    async cancel(taskId, now) {
      return inTransaction(db, () => {
        const status = (getOne.get({ id: taskId }) as TaskRecord | undefined)?.status;
        if (status === "pending") cancelOne.run({ id: taskId, now });
        return status;
      });
    },
    async clearQueue(queueName, now) {
      return Number(clear.run({ queue: queueName, now }).changes);
    },
    async claim(queueName, lease, now) {
      return inTransaction(db, () => {
        reviveExpired.run({ queue: queueName, now });
        const row = due.get({ queue: queueName, now }) as { id: string } | undefined;
        if (!row) return undefined;
        return take.get({ id: row.id, owner: lease.owner, until: lease.untilMs, now }) as unknown as ClaimedTask;
      });
    },
    async nextRunAt(queueName) {
      return (next.get({ queue: queueName }) as { at: number | null }).at ?? undefined;
    },
    async renew(taskId, lease) {
      return Number(renew.run({ id: taskId, owner: lease.owner, until: lease.untilMs }).changes) === 1;
    },
    async finish(taskId, owner, outcome, now) {
      const nextRunAt = outcome.status === "pending" ? outcome.nextRunAtMs : null;
      finish.run({ id: taskId, owner, status: outcome.status, message: outcome.message, next: nextRunAt, now });
    },
    async release(taskId, owner, now) {
      release.run({ id: taskId, owner, now });
    },
    async reviveRunning(queueName, everyHolder, now) {
      (everyHolder ? reviveAll : reviveExpired).run({ queue: queueName, now });
    },
    async depth() {
      const counts = Object.fromEntries((depth.all() as { status: string; n: number }[]).map((row) => [row.status, row.n]));
      return { pending: counts.pending ?? 0, running: counts.running ?? 0 };
    },
    async sweep(queueName, before) {
      return Number(sweep.run({ queue: queueName, before }).changes);
    },
  };
}

