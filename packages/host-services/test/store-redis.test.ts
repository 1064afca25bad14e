import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import {
  claimScheduleTick,
  createHostServices,
  createStoreBackend,
  type HostServices,
  type Logger,
  resolveStoreOptions,
} from "../src/index.js";
import { callJson } from "./support/gen2-plugin.js";
import { redisAvailableFor, startRedis, type TestRedis } from "./support/redis-server.js";

const encoder = new TextEncoder();
const b64 = (text: string) => Buffer.from(text).toString("base64");
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

describe.skipIf(!redisAvailableFor("the shared-store tests"))("two hosts on one Redis", () => {
  let redis: TestRedis;
  let hosts: HostServices[] = [];
  const host = (extra: object = {}) => {
    const created = createHostServices({ store: { url: redis.url, taskPollIntervalMs: 20, timeoutMs: 500, ...extra } });
    hosts.push(created);
    return created;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(hosts.map((each) => each.close()));
    await redis.close();
  });

  test("share kvstore values and quota", async () => {
    const permissions = { kvstore: { maxSize: "6B" } };
    const [one, two] = [host(), host()].map((each) =>
      each.forPlugin({ name: "shared", id: "shared-kv", generation: 2, permissions, config: {} }),
    );
    await callJson(one!, "kvstore_set", { key: "greeting", value: b64("hello") });
    expect(await callJson(two!, "kvstore_get", { key: "greeting" })).toEqual({ value: b64("hello"), exists: true });
    expect((await callJson(two!, "kvstore_set", { key: "more", value: b64("xy") })).error).toMatch(/^storage limit exceeded/);
  });

  test("share each plugin's cache, both generations, typed and capped; no worker memory is handed out for it", async () => {
    const [hostOne, hostTwo] = [host(), host()];
    const gen1 = [hostOne, hostTwo].map((each) => each.forPlugin({ name: "cached", permissions: { cache: {} }, config: {} }).cache!);
    await gen1[0]!.setString({ key: "k", value: "from one", ttlSeconds: 60n });
    expect(await gen1[1]!.getString({ key: "k" })).toEqual({ exists: true, value: "from one" });
    expect(await gen1[1]!.getInt({ key: "k" })).toEqual({ exists: false, value: 0n });
    await gen1[1]!.setInt({ key: "n", value: -(2n ** 62n) });
    expect(await gen1[0]!.getInt({ key: "n" })).toEqual({ exists: true, value: -(2n ** 62n) });
    expect(gen1[0]!.shared).toBeUndefined();

    const gen2 = [hostOne, hostTwo].map((each) =>
      each.forPlugin({ name: "cached", id: "cached", generation: 2, permissions: { cache: {} }, config: {} }),
    );
    await callJson(gen2[0]!, "cache_setstring", { key: "k", value: "generation 2" });
    expect(await callJson(gen2[1]!, "cache_getstring", { key: "k" })).toEqual({ value: "generation 2", exists: true });
    // The generations never share a cache, even under one name.
    expect(await gen1[0]!.getString({ key: "k" })).toEqual({ exists: true, value: "from one" });

    const capped = host({}).forPlugin({ name: "small", permissions: { cache: {} }, config: {} }).cache!;
    expect((await capped.setBytes({ key: "big", value: new Uint8Array(64 * 1024 * 1024) })).success).toBe(false);
  });

  test("100 tasks enqueued through both hosts run exactly once each", async () => {
    const runs: { host: number; taskId: string }[] = [];
    const plugins = [host(), host()].map((each, index) =>
      each.forPlugin({
        name: "worker",
        id: "shared-tasks",
        generation: 2,
        permissions: { taskqueue: { maxConcurrency: 4 } },
        config: {},
        callbacks: {
          async onTaskExecute(request) {
            runs.push({ host: index, taskId: request.taskId });
            await new Promise((resolve) => setTimeout(resolve, 1));
            return "ok";
          },
        },
      }),
    );
    for (const plugin of plugins) await callJson(plugin, "task_createqueue", { name: "jobs", config: { concurrency: 4 } });
    const ids: string[] = [];
    for (let index = 0; index < 100; index++) {
      const answer = await callJson(plugins[index % 2]!, "task_enqueue", { queueName: "jobs", payload: b64(String(index)) });
      ids.push(answer.result as string);
    }
    await vi.waitFor(
      async () => {
        for (const taskId of ids) expect((await callJson(plugins[0]!, "task_get", { taskId })).result).toMatchObject({ status: "completed" });
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(runs.map((run) => run.taskId).sort()).toEqual([...ids].sort());
  });

  test("a task held by a host that died runs on another host once its lease ends", async () => {
    const dead = createStoreBackend(resolveStoreOptions({ url: redis.url }), silent);
    const store = await dead.open("lease-plugin");
    await store.tasks.add({ id: "orphan", queueName: "jobs", payload: encoder.encode("p") }, 10, Date.now());
    const claimed = await store.tasks.claim("jobs", { owner: "dead-host", untilMs: Date.now() + 300 }, Date.now());
    expect(claimed).toMatchObject({ id: "orphan", attempt: 1 });
    await dead.close();

    const attempts: number[] = [];
    const alive = host().forPlugin({
      name: "lease",
      id: "lease-plugin",
      generation: 2,
      permissions: { taskqueue: {} },
      config: {},
      callbacks: {
        async onTaskExecute(request) {
          attempts.push(request.attempt);
          return "rescued";
        },
      },
    });
    await callJson(alive, "task_createqueue", { name: "jobs", config: {} });
    expect((await callJson(alive, "task_get", { taskId: "orphan" })).result).toMatchObject({ status: "running" });
    await vi.waitFor(
      async () => expect((await callJson(alive, "task_get", { taskId: "orphan" })).result).toMatchObject({ status: "completed" }),
      { timeout: 10_000, interval: 50 },
    );
    expect(attempts).toEqual([1]);
  });

  test("a schedule tick is claimed by one host only", async () => {
    const backends = [0, 1].map(() => createStoreBackend(resolveStoreOptions({ url: redis.url }), silent));
    const tick = Date.UTC(2026, 0, 1, 12, 0, 0);
    const claims = await Promise.all(
      [...backends, ...backends].map((backend) => claimScheduleTick(backend, "clock", "every-minute", tick, 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimScheduleTick(backends[1]!, "clock", "every-minute", tick + 60_000, 60_000)).toBe(true);
    await Promise.all(backends.map((backend) => backend.close()));
  });

  test("a recurring schedule on both hosts fires each run on one host only", async () => {
    const fired: { host: number; at: number }[] = [];
    const plugins = [host(), host()].map((each, index) =>
      each.forPlugin({
        name: "clock",
        id: "cluster-clock",
        generation: 2,
        permissions: { scheduler: {} },
        config: {},
        callbacks: { onSchedulerCallback: async () => void fired.push({ host: index, at: Date.now() }) },
      }),
    );
    for (const plugin of plugins) {
      const request = { cronExpression: "* * * * * *", payload: "tick", scheduleId: "every-second" };
      expect(await callJson(plugin, "scheduler_schedulerecurring", request)).toEqual({ newScheduleId: "every-second" });
    }
    await vi.waitFor(() => expect(fired.length).toBeGreaterThanOrEqual(4), { timeout: 10_000, interval: 50 });
    for (const plugin of plugins) await plugin.close();
    // A run fired by both hosts would show as two callbacks a few milliseconds apart; runs are a second apart.
    const times = fired.map((run) => run.at).sort((a, b) => a - b);
    expect(times.slice(1).every((time, index) => time - times[index]! > 500)).toBe(true);
  });

  test("closing the host closes its Redis connection", async () => {
    const { Redis } = await import("ioredis");
    const observer = new Redis(redis.url);
    const clients = async () => String(await observer.client("LIST")).trim().split("\n").length;
    const before = await clients();
    const closing = createHostServices({ store: { url: redis.url } });
    const plugin = closing.forPlugin({ name: "p", id: "closing", generation: 2, permissions: { kvstore: {} }, config: {} });
    await callJson(plugin, "kvstore_set", { key: "k", value: b64("v") });
    expect(await clients()).toBe(before + 1);
    await closing.close();
    await vi.waitFor(async () => expect(await clients()).toBe(before), { timeout: 5000, interval: 20 });
    observer.disconnect();
  });

  test("with Redis down a call answers 'store unavailable' within its deadline, and works again after a restart", async () => {
    const events: string[] = [];
    const logger: Logger = { ...silent, warn: (message) => events.push(message), info: (message) => events.push(message) };
    const outageHost = createHostServices({ logger, store: { url: redis.url, timeoutMs: 500 } });
    hosts.push(outageHost);
    const plugin = outageHost.forPlugin({ name: "outage", id: "outage", generation: 2, permissions: { kvstore: {} }, config: {} });
    expect(await callJson(plugin, "kvstore_set", { key: "k", value: b64("before") })).toEqual({});
    await redis.stop();
    const deadline = new Promise((resolve) => setTimeout(() => resolve("deadline passed"), 3000));
    const answer = await Promise.race([callJson(plugin, "kvstore_get", { key: "k" }), deadline]);
    expect(answer).toMatchObject({ error: expect.stringMatching(/^store unavailable: /) });
    expect(JSON.stringify(answer)).not.toContain(redis.url);
    await redis.start();
    await vi.waitFor(async () => expect(await callJson(plugin, "kvstore_set", { key: "k", value: b64("after") })).toEqual({}), {
      timeout: 10_000,
      interval: 100,
    });
    expect(await callJson(plugin, "kvstore_get", { key: "k" })).toEqual({ value: b64("after"), exists: true });
    expect(events.filter((event) => /unreachable|reachable again/.test(event))).toEqual([
      expect.stringMatching(/^shared store unreachable/),
      "shared store reachable again",
    ]);
  });
});
