// Two `nd serve` processes on one redis-server, driven through the Go testbed (examples/go-gen2-testbed):
// generation-2 state, schedules and tasks belong to the cluster, not to one replica.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { goAvailableFor } from "@nd/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { redisAvailableFor, startRedis, type TestRedis } from "../../host-services/test/support/redis-server.js";
import { rawRequest } from "./support/http.js";
import { nd } from "./support/nd.js";
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

  const scrape = async (replica: ServeProcess) => (await rawRequest(`${replica.url}/metrics`)).text;
  const counted = (metrics: string, series: string) => Number(new RegExp(`^${series.replace(/[{}]/g, "\\$&")} (\\d+)$`, "m").exec(metrics)?.[1] ?? 0);

  /** Runs of nd_task_execute on both replicas, as their /metrics count them. */
  const taskRuns = async () =>
    (await Promise.all([a, b].map(scrape))).reduce((sum, metrics) => sum + counted(metrics, 'nd_plugin_calls_total{plugin="testbed",method="nd_task_execute",outcome="ok"}'), 0);

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

    await eventually(() => taskRuns(), (runs) => runs >= 100);
    for (const taskId of taskIds) expect(await taskStatus(a, taskId)).toBe("completed");
    // Every task is finished, so a duplicate run would be counted by now.
    expect(await taskRuns()).toBe(100);
  }, 60_000);

  test("/metrics and the status page of each replica show the shared store; task outcomes add up across replicas", async () => {
    const [metricsA, metricsB] = await Promise.all([scrape(a), scrape(b)]);
    const completed = (metrics: string) => counted(metrics, 'nd_plugin_task_outcomes_total{plugin="testbed",outcome="completed"}');
    expect(completed(metricsA) + completed(metricsB)).toBe(100);
    const { keys } = await call(a, "nd_test_kvstore", { operation: "list", prefix: "" });
    for (const metrics of [metricsA, metricsB]) {
      expect(metrics).toMatch(/^nd_store_info\{kind="redis"\} 1$/m);
      expect(metrics).toContain(`nd_plugin_kvstore_keys{plugin="testbed"} ${keys.length}\n`);
      expect(metrics).toContain('nd_plugin_tasks{plugin="testbed",state="pending"} 0\n');
    }
    const page = (await rawRequest(`${b.url}/`)).text;
    expect(page).toContain(`Plugin state: Redis, shared by replicas at <code>${redis.url}`);
    expect(page).toMatch(new RegExp(`<tr data-plugin="testbed"><td>testbed</td><td class="keys">${keys.length}</td>`));
  });

  test("a replica killed mid-task: its running tasks complete on the other once their lease ends", async () => {
    const doomed = await startReplica("doomed", "TaskLeaseSeconds = 2\n");
    expect(await call(doomed, "nd_test_taskqueue", { operation: "create_queue", name: "lease", config: { concurrency: 4 } })).toEqual({});
    // Enqueued all at once, so a backlog forms and the kill finds tasks running.
    const taskIds: string[] = await Promise.all(
      Array.from({ length: 40 }, async (_, index) => (await call(doomed, "nd_test_taskqueue", { operation: "enqueue", queueName: "lease", payload: base64(`lease-${index}`) })).result),
    );
    await doomed.stop("SIGKILL");

    // Only the dead replica had the queue: whatever is running is its.
    const statuses = await Promise.all(taskIds.map((taskId) => taskStatus(b, taskId)));
    const interrupted = taskIds.filter((_, index) => statuses[index] === "running");
    expect(interrupted.length).toBeGreaterThan(0);

    expect(await call(b, "nd_test_taskqueue", { operation: "create_queue", name: "lease", config: { concurrency: 2 } })).toEqual({});
    for (const taskId of taskIds) await eventually(() => taskStatus(b, taskId), (status) => status === "completed");
  }, 60_000);

  test("Redis stopped mid-call: calls fail with a clear error and nothing hangs; after a restart they work again", async () => {
    // A call under way as the server goes answers one way or the other; none hangs.
    const [racing] = await Promise.all([call(a, "nd_test_kvstore", { operation: "set", key: "racing", value: base64("x") }), redis.stop()]);
    expect(racing.error ?? "store unavailable").toMatch(/store unavailable/);
    const failed = await call(a, "nd_test_kvstore", { operation: "set", key: "during", value: base64("outage") });
    expect(failed.error).toMatch(/^store unavailable: /);

    await redis.start();
    await eventually(() => call(a, "nd_test_kvstore", { operation: "set", key: "after", value: base64("restart") }), (answer) => answer.error === undefined);
    expect(await call(b, "nd_test_kvstore", { operation: "get", key: "after" })).toEqual({ value: base64("restart"), exists: true });
  }, 60_000);

  test("nd plugin remove deletes a plugin's Redis keys only when told or confirmed, and never another plugin's", async () => {
    const dir = join(root, "remover");
    const folder = join(dir, "plugins");
    mkdirSync(folder, { recursive: true });
    const config = join(dir, "nd.toml");
    writeFileSync(config, `DataFolder = "${join(dir, "data")}"\n[Store]\nURL = "${redis.url}"\n`);
    const install = (id: string) => copyFileSync(testbed, join(folder, `${id}.ndp`));
    const kv = async (id: string, input: object) => {
      const result = await nd(["plugin", "call", id, "--export", "nd_test_kvstore", JSON.stringify(input), "--folder", folder, "--config", config]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    };
    const remove = (...args: string[]) => nd(["plugin", "remove", "testbed", ...args, "--folder", folder, "--config", config], { stdin: terminalAnswering(args.length ? "" : "n\n") });
    install("testbed");
    install("other");
    await kv("testbed", { operation: "set", key: "mine", value: base64("testbed's") });
    await kv("other", { operation: "set", key: "mine", value: base64("other's") });

    const offTerminal = await nd(["plugin", "remove", "testbed", "--folder", folder, "--config", config]);
    expect(offTerminal.code).toBe(1);
    expect(offTerminal.stderr).toContain(`nd: plugin "testbed" has stored data (its keys in ${redis.url}); pass --purge to delete it or --keep-data to keep it`);
    expect(existsSync(join(folder, "testbed.ndp"))).toBe(true);

    const declined = await remove();
    expect(declined.stderr).toContain(`delete the stored data of "testbed" (its keys in ${redis.url})? [y/N] `);
    expect(declined.stdout).toMatch(/^kept the stored data of testbed .*\nremoved testbed /);
    install("testbed");
    expect(await kv("testbed", { operation: "get", key: "mine" })).toEqual({ value: base64("testbed's"), exists: true });

    expect((await remove("--keep-data")).code).toBe(0);
    install("testbed");
    expect(await kv("testbed", { operation: "get", key: "mine" })).toEqual({ value: base64("testbed's"), exists: true });

    const purged = await remove("--purge");
    expect(purged.stdout).toMatch(/^deleted the stored data of testbed \(its keys in redis:.*\)\nremoved testbed /);
    install("testbed");
    expect(await kv("testbed", { operation: "get", key: "mine" })).toEqual({});
    expect(await kv("other", { operation: "get", key: "mine" })).toEqual({ value: base64("other's"), exists: true });
  }, 60_000);
});

/** Standard input as a terminal on which the user types `answer`. */
function terminalAnswering(answer: string) {
  return Object.assign(
    (async function* () {
      yield answer;
    })(),
    { isTTY: true },
  );
}
