import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createStoreBackend, type Logger, type PluginStore, resolveStoreOptions, type StoreBackend } from "../src/index.js";
import { redisAvailableFor, startRedis, type TestRedis } from "./support/redis-server.js";

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const bytes = (text: string) => new TextEncoder().encode(text);
const T0 = 1_700_000_000_000;

const hasRedis = redisAvailableFor("the store record tests on Redis");
const backends = hasRedis ? (["sqlite", "redis"] as const) : (["sqlite"] as const);

describe.each(backends)("task records on %s", (backend) => {
  let redis: TestRedis | undefined;
  let store: StoreBackend;
  let opened = 0;
  const open = (): Promise<PluginStore> => store.open(`records-${++opened}`);

  beforeAll(async () => {
    redis = backend === "redis" ? await startRedis() : undefined;
    store = createStoreBackend(resolveStoreOptions({ url: redis?.url }), silent);
  });
  afterAll(async () => {
    await store.close();
    await redis?.close();
  });

  test("claims the due task first by run time, then by creation; a later one waits", async () => {
    const { tasks } = await open();
    await tasks.add({ id: "first", queueName: "q", payload: bytes("1") }, 10, T0);
    await tasks.add({ id: "second", queueName: "q", payload: bytes("2") }, 10, T0 + 1);
    await tasks.add({ id: "other-queue", queueName: "r", payload: bytes("3") }, 10, T0);
    const lease = { owner: "me", untilMs: T0 + 60_000 };
    expect(await tasks.claim("q", lease, T0)).toMatchObject({ id: "first", attempt: 1, status: "running", payload: bytes("1") });
    expect(await tasks.claim("q", lease, T0)).toBeUndefined();
    await tasks.finish("first", "me", { status: "pending", message: "retry", nextRunAtMs: T0 + 10 }, T0 + 2);
    expect(await tasks.nextRunAt("q")).toBe(T0 + 1);
    expect(await tasks.claim("q", lease, T0 + 20)).toMatchObject({ id: "second" });
    expect(await tasks.claim("q", lease, T0 + 20)).toMatchObject({ id: "first", attempt: 2, message: "retry" });
  });

  test("only the lease holder records an outcome; an ended lease makes the task pending, attempt not counted", async () => {
    const { tasks } = await open();
    await tasks.add({ id: "t", queueName: "q", payload: bytes("x") }, 10, T0);
    await tasks.claim("q", { owner: "a", untilMs: T0 + 100 }, T0);
    await tasks.finish("t", "b", { status: "completed", message: "not mine" }, T0 + 1);
    expect(await tasks.get("t")).toMatchObject({ status: "running", attempt: 1 });
    expect(await tasks.renew("t", { owner: "b", untilMs: T0 + 500 })).toBe(false);
    expect(await tasks.claim("q", { owner: "b", untilMs: T0 + 1000 }, T0 + 50)).toBeUndefined();
    expect(await tasks.claim("q", { owner: "b", untilMs: T0 + 1000 }, T0 + 100)).toMatchObject({ id: "t", attempt: 1 });
    await tasks.finish("t", "a", { status: "failed", message: "too late" }, T0 + 101);
    await tasks.finish("t", "b", { status: "completed", message: "done" }, T0 + 102);
    expect(await tasks.get("t")).toEqual({ id: "t", queueName: "q", status: "completed", message: "done", attempt: 1 });
  });

  test("sweep deletes finished tasks last updated before the cutoff, never pending ones", async () => {
    const { tasks } = await open();
    // Ids in creation order: on Redis, tasks due at the same time run in id order (nd's ids are time-ordered).
    for (const id of ["1-old-done", "2-new-done", "3-old-pending"]) await tasks.add({ id, queueName: "q", payload: bytes(id) }, 10, T0);
    await tasks.claim("q", { owner: "me", untilMs: T0 + 60_000 }, T0);
    await tasks.finish("1-old-done", "me", { status: "completed", message: "" }, T0 + 10);
    await tasks.claim("q", { owner: "me", untilMs: T0 + 60_000 }, T0);
    await tasks.finish("2-new-done", "me", { status: "failed", message: "" }, T0 + 1000);
    expect(await tasks.sweep("q", T0 + 500)).toBe(1);
    expect(await tasks.get("1-old-done")).toBeUndefined();
    expect(await tasks.get("2-new-done")).toMatchObject({ status: "failed" });
    expect(await tasks.get("3-old-pending")).toMatchObject({ status: "pending" });
  });

  test("finished and cancelled tasks free room under the cap of live tasks", async () => {
    const { tasks } = await open();
    expect(await tasks.add({ id: "a", queueName: "q", payload: bytes("") }, 2, T0)).toBe(true);
    expect(await tasks.add({ id: "b", queueName: "q", payload: bytes("") }, 2, T0)).toBe(true);
    expect(await tasks.add({ id: "c", queueName: "q", payload: bytes("") }, 2, T0)).toBe(false);
    expect(await tasks.cancel("a", T0)).toBe("pending");
    await tasks.claim("q", { owner: "me", untilMs: T0 + 1000 }, T0);
    await tasks.finish("b", "me", { status: "completed", message: "" }, T0);
    expect(await tasks.add({ id: "c", queueName: "q", payload: bytes("") }, 2, T0)).toBe(true);
    expect(await tasks.add({ id: "d", queueName: "q", payload: bytes("") }, 2, T0)).toBe(true);
  });
});

describe.skipIf(!hasRedis)("the Redis store's URL", () => {
  test("credentials in the URL never reach the log", async () => {
    const redis = await startRedis();
    const lines: string[] = [];
    const record = (message: string, fields?: object) => lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
    const logger: Logger = { debug: record, info: record, warn: record, error: record };
    const url = redis.url.replace("redis://", "redis://someone:hunter2@");
    const store = createStoreBackend(resolveStoreOptions({ url, timeoutMs: 500 }), logger);
    const failure = await (await store.open("p")).kv.get("k", T0).catch((error: Error) => error.message);
    expect(String(failure)).not.toContain("hunter2");
    expect(lines.join("\n")).toContain("127.0.0.1");
    expect(lines.join("\n")).not.toContain("hunter2");
    await store.close();
    await redis.close();
  });
});
