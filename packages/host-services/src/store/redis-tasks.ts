import type { ClaimedTask, TaskRecords, TaskStatus } from "./plugin-store.js";
import type { RedisConnection } from "./redis-connection.js";
import { globEscaped, queueKeys, scanKeys, taskPrefix } from "./redis-keys.js";

export function redisTaskRecords(connection: RedisConnection, prefix: string): TaskRecords {
  const tasks = taskPrefix(prefix);
  const scripts = {
    add: connection.script("ndTaskAdd"),
    cancel: connection.script("ndTaskCancel"),
    clear: connection.script("ndTaskClear"),
    claim: connection.script("ndTaskClaim", true),
    renew: connection.script("ndTaskRenew"),
    finish: connection.script("ndTaskFinish"),
    release: connection.script("ndTaskRelease"),
    reviveExpired: connection.script("ndTaskReviveExpired"),
    sweep: connection.script("ndTaskSweep"),
  };
  const { redis, run } = connection;
  const keysOf = (queueName: string) => queueKeys(prefix, queueName);
  const queueOf = (taskId: string) => run(redis.hget(tasks + taskId, "queue"));

  return {
    async add(task, maxLive, now) {
      const stored = await scripts.add(
        ...keysOf(task.queueName),
        now,
        tasks,
        task.id,
        task.queueName,
        Buffer.from(task.payload),
        maxLive,
      );
      return Number(stored) === 1;
    },
    async get(taskId) {
      const [queueName, status, message, attempt] = await run(
        redis.hmget(tasks + taskId, "queue", "status", "message", "attempt"),
      );
      if (!queueName || !status) return undefined;
      return { id: taskId, queueName, status: status as TaskStatus, message: message ?? "", attempt: Number(attempt) };
    },
    async cancel(taskId, now) {
      const queueName = await queueOf(taskId);
      if (queueName === null) return undefined;
      return ((await scripts.cancel(...keysOf(queueName), now, tasks, taskId)) ?? undefined) as TaskStatus | undefined;
    },
    async clearQueue(queueName, now) {
      return Number(await scripts.clear(...keysOf(queueName), now, tasks));
    },
    async claim(queueName, lease, now) {
      const answer = (await scripts.claim(...keysOf(queueName), now, tasks, "", lease.owner, lease.untilMs)) as
        | [Buffer, Buffer, Buffer, number, Buffer]
        | null;
      if (!answer) return undefined;
      const [id, queue, message, attempt, payload] = answer;
      const claimed: ClaimedTask = {
        id: id.toString(),
        queueName: queue.toString(),
        status: "running",
        message: message.toString(),
        attempt: Number(attempt),
        payload: new Uint8Array(payload),
      };
      return claimed;
    },
    async nextRunAt(queueName) {
      const [, score] = await run(redis.zrange(keysOf(queueName)[0]!, 0, 0, "WITHSCORES"));
      return score === undefined ? undefined : Number(score);
    },
    async renew(taskId, lease) {
      const queueName = await queueOf(taskId);
      if (queueName === null) return false;
      return Number(await scripts.renew(...keysOf(queueName), Date.now(), tasks, taskId, lease.owner, lease.untilMs)) === 1;
    },
    async finish(taskId, owner, outcome, now) {
      const queueName = await queueOf(taskId);
      if (queueName === null) return;
      const next = outcome.status === "pending" ? outcome.nextRunAtMs : "";
      await scripts.finish(...keysOf(queueName), now, tasks, taskId, owner, outcome.status, outcome.message, next);
    },
    async release(taskId, owner, now) {
      const queueName = await queueOf(taskId);
      if (queueName === null) return;
      await scripts.release(...keysOf(queueName), now, tasks, taskId, owner);
    },
    async reviveRunning(queueName, _everyHolder, now) {
      // On a shared store a live lease may be another host's: only ended leases are revived.
      await scripts.reviveExpired(...keysOf(queueName), now, tasks);
    },
    async depth() {
      const [pending, running] = await Promise.all(
        ["pending", "running"].map(async (state) => {
          const keys = await scanKeys(connection, `${globEscaped(prefix)}queue:*:${state}`);
          const sizes = await Promise.all(keys.map((key) => run(redis.zcard(key))));
          return sizes.reduce((sum, size) => sum + size, 0);
        }),
      );
      return { pending: pending!, running: running! };
    },
    async sweep(queueName, before) {
      return Number(await scripts.sweep(...keysOf(queueName), before, tasks));
    },
  };
}
