import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import {
  createHostServices,
  type HostServices,
  type PluginCallbacks,
  type PluginHostServices,
  type StoreOptions,
} from "../src/index.js";
import { callJson } from "./support/gen2-plugin.js";
import { redisAvailableFor, startRedis, type TestRedis } from "./support/redis-server.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");

interface Run {
  taskId: string;
  attempt: number;
  payload: string;
}

/** A TaskWorker that records each run and fails where `outcome` throws. */
function worker(outcome: (run: Run) => string | Promise<string> = (run) => `done ${run.payload}`) {
  const runs: Run[] = [];
  const callbacks: PluginCallbacks = {
    async onTaskExecute(request) {
      const run = { taskId: request.taskId, attempt: request.attempt, payload: new TextDecoder().decode(request.payload) };
      runs.push(run);
      return outcome(run);
    },
  };
  return { runs, callbacks };
}

function taskPlugin(host: HostServices, id: string, callbacks?: PluginCallbacks, maxConcurrency = 2) {
  return host.forPlugin({ name: id, id, generation: 2, permissions: { taskqueue: { maxConcurrency } }, config: {}, callbacks });
}

async function enqueue(services: PluginHostServices, queueName: string, payload: string): Promise<string> {
  const answer = await callJson(services, "task_enqueue", { queueName, payload: b64(payload) });
  if (typeof answer.result !== "string") throw new Error(`enqueue failed: ${JSON.stringify(answer)}`);
  return answer.result;
}

async function settled(services: PluginHostServices, taskId: string) {
  let answer: Record<string, unknown> = {};
  await vi.waitFor(
    async () => {
      answer = (await callJson(services, "task_get", { taskId })).result as Record<string, unknown>;
      expect(["completed", "failed", "cancelled"]).toContain(answer.status);
    },
    { timeout: 10_000, interval: 20 },
  );
  return answer;
}

const hasRedis = redisAvailableFor("the task queue tests on Redis");
const backends = hasRedis ? (["sqlite", "redis"] as const) : (["sqlite"] as const);

describe.each(backends)("task queue on %s", (backend) => {
  let folder: string;
  let redis: TestRedis | undefined;
  let host: HostServices;
  let plugins = 0;
  const freshId = () => `tasks-${backend}-${++plugins}`;
  const store = (): StoreOptions => ({ dataFolder: folder, url: redis?.url, taskPollIntervalMs: 50, maxQueuesPerPlugin: 3, maxTasksPerPlugin: 5 });

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "nd-tasks-"));
    redis = backend === "redis" ? await startRedis() : undefined;
    host = createHostServices({ store: store() });
  });
  afterAll(async () => {
    await host.close();
    await redis?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test("a task runs once with attempt 1 and its answer becomes the message", async () => {
    const { runs, callbacks } = worker();
    const plugin = taskPlugin(host, freshId(), callbacks);
    expect(await callJson(plugin, "task_createqueue", { name: "jobs", config: {} })).toEqual({});
    const taskId = await enqueue(plugin, "jobs", "hello");
    expect(await settled(plugin, taskId)).toEqual({ status: "completed", message: "done hello", attempt: 1 });
    expect(runs).toEqual([{ taskId, attempt: 1, payload: "hello" }]);
  });

  test("a failed attempt is retried after its backoff until maxRetries, then the task fails with the error", async () => {
    const { runs, callbacks } = worker((run) => {
      if (run.payload === "flaky" && run.attempt === 1) throw new Error("first try fails");
      if (run.payload === "broken") throw new Error(`broken on attempt ${run.attempt}`);
      return "ok";
    });
    const plugin = taskPlugin(host, freshId(), callbacks);
    await callJson(plugin, "task_createqueue", { name: "retry", config: { maxRetries: 1, backoffMs: 20 } });
    const flaky = await enqueue(plugin, "retry", "flaky");
    expect(await settled(plugin, flaky)).toEqual({ status: "completed", message: "ok", attempt: 2 });
    const broken = await enqueue(plugin, "retry", "broken");
    expect(await settled(plugin, broken)).toEqual({ status: "failed", message: "broken on attempt 2", attempt: 2 });
    expect(runs.filter((run) => run.taskId === broken).map((run) => run.attempt)).toEqual([1, 2]);
  });

  test("delayMs spaces the starts of runs across the queue's workers", async () => {
    const starts: number[] = [];
    const plugin = taskPlugin(
      host,
      freshId(),
      {
        async onTaskExecute() {
          starts.push(Date.now());
          return "ok";
        },
      },
      2,
    );
    await callJson(plugin, "task_createqueue", { name: "slow", config: { concurrency: 2, delayMs: 150 } });
    const ids = [await enqueue(plugin, "slow", "1"), await enqueue(plugin, "slow", "2"), await enqueue(plugin, "slow", "3")];
    for (const taskId of ids) await settled(plugin, taskId);
    const gaps = starts.slice(1).map((start, index) => start - starts[index]!);
    expect(gaps.every((gap) => gap >= 140)).toBe(true);
  });

  test("queue rules: names, duplicates, unknown queues, payload size, concurrency budget and the queue cap", async () => {
    const plugin = taskPlugin(host, freshId(), undefined, 3);
    expect(await callJson(plugin, "task_createqueue", { name: "", config: {} })).toEqual({
      error: "queue name must be 1 to 128 bytes (got 0)",
    });
    expect(await callJson(plugin, "task_createqueue", { name: "a", config: { concurrency: 2 } })).toEqual({});
    expect(await callJson(plugin, "task_createqueue", { name: "a", config: {} })).toEqual({ error: 'queue "a" already exists' });
    expect(await callJson(plugin, "task_createqueue", { name: "b", config: { concurrency: 5 } })).toEqual({});
    expect(await callJson(plugin, "task_createqueue", { name: "c", config: {} })).toEqual({
      error: "concurrency budget exhausted (3/3 allocated)",
    });
    expect(await callJson(plugin, "task_enqueue", { queueName: "nope", payload: b64("x") })).toEqual({
      error: 'queue "nope" does not exist',
    });
    const big = Buffer.alloc(1_048_577).toString("base64");
    expect((await callJson(plugin, "task_enqueue", { queueName: "a", payload: big })).error).toMatch(/exceeds the maximum of 1048576 bytes/);

    const wide = taskPlugin(host, freshId(), undefined, 100);
    for (const name of ["q1", "q2", "q3"]) expect(await callJson(wide, "task_createqueue", { name, config: {} })).toEqual({});
    expect(await callJson(wide, "task_createqueue", { name: "q4", config: {} })).toEqual({
      error: "too many queues: a plugin may create at most 3",
    });
  });

  test("cancel and clearqueue act on pending tasks only; the pending-task cap holds", async () => {
    const plugin = taskPlugin(host, freshId());
    await callJson(plugin, "task_createqueue", { name: "idle", config: {} });
    const ids = [];
    for (let index = 0; index < 5; index++) ids.push(await enqueue(plugin, "idle", `t${index}`));
    expect((await callJson(plugin, "task_enqueue", { queueName: "idle", payload: b64("sixth") })).error).toMatch(
      /too many queued tasks: a plugin may have at most 5/,
    );
    expect(await callJson(plugin, "task_cancel", { taskId: ids[0] })).toEqual({});
    expect(await callJson(plugin, "task_get", { taskId: ids[0] })).toEqual({ result: { status: "cancelled", message: "", attempt: 0 } });
    expect(await callJson(plugin, "task_cancel", { taskId: ids[0] })).toEqual({
      error: `task "${ids[0]}" cannot be cancelled (status: cancelled)`,
    });
    expect(await callJson(plugin, "task_cancel", { taskId: "missing" })).toEqual({ error: 'task "missing" not found' });
    expect(await callJson(plugin, "task_clearqueue", { queueName: "idle" })).toEqual({ result: 4 });
    expect(await callJson(plugin, "task_clearqueue", { queueName: "idle" })).toEqual({});
    expect(typeof (await enqueue(plugin, "idle", "room again"))).toBe("string");
  });

  test("a task that finishes within the unload grace keeps its outcome", async () => {
    const id = freshId();
    const settings = { store: { ...store(), taskStopGraceMs: 10_000 } };
    const first = createHostServices(settings);
    let started!: () => void;
    let finish!: (message: string) => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const plugin = taskPlugin(first, id, {
      onTaskExecute: () => {
        started();
        return new Promise<string>((resolve) => (finish = resolve));
      },
    });
    await callJson(plugin, "task_createqueue", { name: "jobs", config: {} });
    const taskId = await enqueue(plugin, "jobs", "late");
    await running;
    const closing = first.close();
    finish("finished while unloading");
    await closing;

    const second = createHostServices(settings);
    const again = taskPlugin(second, id);
    expect((await callJson(again, "task_get", { taskId })).result).toEqual({
      status: "completed",
      message: "finished while unloading",
      attempt: 1,
    });
    await second.close();
  });

  test("a task interrupted by unload runs again after the next load, its attempt not counted", async () => {
    const id = freshId();
    const settings = { store: { ...store(), taskStopGraceMs: 20 } };
    const first = createHostServices(settings);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const hung = taskPlugin(first, id, {
      onTaskExecute: () => {
        started();
        return new Promise<string>(() => {});
      },
    });
    await callJson(hung, "task_createqueue", { name: "jobs", config: {} });
    const taskId = await enqueue(hung, "jobs", "survivor");
    await running;
    await first.close();

    const second = createHostServices(settings);
    const { runs, callbacks } = worker();
    const again = taskPlugin(second, id, callbacks);
    expect((await callJson(again, "task_get", { taskId })).result).toEqual({ status: "pending", message: "", attempt: 0 });
    await callJson(again, "task_createqueue", { name: "jobs", config: {} });
    expect(await settled(again, taskId)).toEqual({ status: "completed", message: "done survivor", attempt: 1 });
    expect(runs).toEqual([{ taskId, attempt: 1, payload: "survivor" }]);
    await second.close();
  });
});
