// Two `nd serve` processes on one redis-server, driven through the Go testbed (examples/go-gen2-testbed):
// generation-2 state, schedules and tasks belong to the cluster, not to one replica.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { goAvailableFor } from "@nd/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { redisAvailableFor, startRedis, type TestRedis } from "../../host-services/test/support/redis-server.js";
import { startServeProcess, type ServeProcess } from "./support/serve-process.js";

const testbed = fileURLToPath(new URL("../../../examples/go-gen2-testbed/go-gen2-testbed.ndp", import.meta.url));
const what = "the replica tests (two nd serve processes on one redis-server, with examples/go-gen2-testbed)";
const available = goAvailableFor(what, ["go"]) && redisAvailableFor(what);
const suite = available ? describe : describe.skip;

const base64 = (text: string) => Buffer.from(text).toString("base64");
const text = (value: string) => Buffer.from(value, "base64").toString();
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `done` holds of its answer; the test's own timeout bounds the wait. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await delay(200);
  }
}

suite("two nd serve replicas sharing one Redis", () => {
  let root: string;
  let redis: TestRedis;
  const replicas: ServeProcess[] = [];
  let a: ServeProcess;
  let b: ServeProcess;

  /** A replica with its own data folder, the same plugins folder content and the same [Store] URL. */
  async function startReplica(name: string, storeExtra = ""): Promise<ServeProcess> {
    const dir = join(root, name);
    mkdirSync(join(dir, "plugins"), { recursive: true });
    copyFileSync(testbed, join(dir, "plugins", "testbed.ndp"));
    const config = join(dir, "nd.toml");
    writeFileSync(config, `DataFolder = "${join(dir, "data")}"\n[Store]\nURL = "${redis.url}"\n${storeExtra}`);
    const replica = await startServeProcess(["--folder", join(dir, "plugins"), "--config", config], "testbed", { XDG_DATA_HOME: join(dir, "home") });
    replicas.push(replica);
    return replica;
  }

  const call = (replica: ServeProcess, exportName: string, input: unknown) => replica.callExport("testbed", exportName, input);

  /** The recorded deliveries of `exportName` (key and parsed input), in order. */
  async function deliveries(replica: ServeProcess, exportName: string) {
    const { keys } = await call(replica, "nd_test_kvstore", { operation: "list", prefix: "event:" });
    const wanted = (keys as string[]).filter((key) => key.endsWith(`:${exportName}`));
    if (wanted.length === 0) return [];
    const { values } = await call(replica, "nd_test_kvstore", { operation: "get_many", keys: wanted });
    return wanted.map((key) => ({ key, input: JSON.parse(text(values[key])) }));
  }

  const taskStatus = async (replica: ServeProcess, taskId: string): Promise<string> =>
    (await call(replica, "nd_test_taskqueue", { operation: "get_task_status", taskId })).result.status;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "nd-replicas-"));
    redis = await startRedis();
    [a, b] = await Promise.all([startReplica("a"), startReplica("b")]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop("SIGKILL")));
    await redis?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test("a kvstore value written through one replica is read through the other; neither keeps SQLite state", async () => {
    expect(await call(a, "nd_test_kvstore", { operation: "set", key: "greeting", value: base64("from a") })).toEqual({});
    expect(await call(b, "nd_test_kvstore", { operation: "get", key: "greeting" })).toEqual({ value: base64("from a"), exists: true });
    // Each replica's load delivered nd_on_init once, both recorded in the one store.
    expect(await deliveries(b, "nd_on_init")).toHaveLength(2);
    expect(existsSync(join(root, "a", "data", "plugin-state"))).toBe(false);
    expect(existsSync(join(root, "b", "data", "plugin-state"))).toBe(false);
  });

  test("a recurring schedule created on both replicas fires once per tick across both", async () => {
    for (const [replica, payload] of [[a, "a"], [b, "b"]] as const) {
      expect(await call(replica, "nd_test_scheduler", { operation: "schedule_recurring", cronExpression: "@every 1s", scheduleId: "tick", payload: base64(payload) })).toEqual({ newScheduleId: "tick" });
    }
    const ticks = await eventually(() => deliveries(a, "nd_scheduler_callback"), (found) => found.length >= 4);
    for (const replica of [a, b]) expect(await call(replica, "nd_test_scheduler", { operation: "cancel", scheduleId: "tick" })).toEqual({});

    // Keys hold the delivery time in nanoseconds; a tick is delivered within its own second.
    const seconds = ticks.map(({ key }) => key.split(":")[1]!.slice(0, -9));
    expect(new Set(seconds).size).toBe(seconds.length);
    expect(ticks.every(({ input }) => input.scheduleId === "tick" && input.isRecurring === true)).toBe(true);
  }, 30_000);

  test("100 tasks enqueued through both replicas run exactly once each", async () => {
    for (const replica of [a, b]) {
      expect(await call(replica, "nd_test_taskqueue", { operation: "create_queue", name: "work", config: { concurrency: 2 } })).toEqual({});
    }
    const payloads = Array.from({ length: 100 }, (_, index) => `task-${index}`);
    const taskIds = await Promise.all(
      payloads.map(async (payload, index) => (await call(index % 2 ? b : a, "nd_test_taskqueue", { operation: "enqueue", queueName: "work", payload: base64(payload) })).result as string),
    );

    await eventually(() => deliveries(a, "nd_task_execute"), (found) => found.length >= 100);
    for (const taskId of taskIds) expect(await taskStatus(a, taskId)).toBe("completed");
    // Every task is finished: a duplicate run would already be recorded.
    const runs = (await deliveries(b, "nd_task_execute")).map(({ input }) => text(input.payload));
    expect(runs.sort()).toEqual([...payloads].sort());
  }, 60_000);

  test("a replica killed mid-task: its running tasks complete on the other once their lease ends", async () => {
    const doomed = await startReplica("doomed", "TaskLeaseSeconds = 2\n");
    expect(await call(doomed, "nd_test_taskqueue", { operation: "create_queue", name: "lease", config: { concurrency: 4 } })).toEqual({});
    const taskIds: string[] = [];
    for (let index = 0; index < 40; index++) {
      taskIds.push((await call(doomed, "nd_test_taskqueue", { operation: "enqueue", queueName: "lease", payload: base64(`lease-${index}`) })).result);
    }
    await doomed.stop("SIGKILL");

    // Only the dead replica had the queue: whatever is running is its.
    const statuses = await Promise.all(taskIds.map((taskId) => taskStatus(b, taskId)));
    const interrupted = taskIds.filter((_, index) => statuses[index] === "running");
    expect(interrupted.length).toBeGreaterThan(0);

    expect(await call(b, "nd_test_taskqueue", { operation: "create_queue", name: "lease", config: { concurrency: 2 } })).toEqual({});
    for (const taskId of taskIds) await eventually(() => taskStatus(b, taskId), (status) => status === "completed");
    const runs = (await deliveries(b, "nd_task_execute")).map(({ input }) => text(input.payload)).filter((payload) => payload.startsWith("lease-"));
    // Every task ran; an interrupted one may have run twice (at least once, as in Navidrome).
    expect(new Set(runs).size).toBe(40);
  }, 60_000);

  test("Redis stopped under running replicas: calls fail with a clear error and nothing hangs; after a restart they work again", async () => {
    await redis.stop();
    const failed = await call(a, "nd_test_kvstore", { operation: "set", key: "during", value: base64("outage") });
    expect(failed.error).toMatch(/store unavailable/);

    await redis.start();
    await eventually(() => call(a, "nd_test_kvstore", { operation: "set", key: "after", value: base64("restart") }), (answer) => answer.error === undefined);
    expect(await call(b, "nd_test_kvstore", { operation: "get", key: "after" })).toEqual({ value: base64("restart"), exists: true });
  }, 60_000);
});
