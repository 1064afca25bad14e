import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createHostServices, type HostServices, type StoreOptions } from "../src/index.js";
import { callJson } from "./support/gen2-plugin.js";
import { redisAvailableFor, startRedis, type TestRedis } from "./support/redis-server.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function hostOn(store: StoreOptions): HostServices {
  const host = createHostServices({ store });
  cleanups.push(() => host.close());
  return host;
}

function dataFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "nd-store-faults-"));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

const hasRedis = redisAvailableFor("the shared-store fault tests");
const backends = hasRedis ? (["sqlite", "redis"] as const) : (["sqlite"] as const);

describe.each(backends)("a plugin asking for 10 000 queues on %s", (backend) => {
  test("gets the cap; every later request is refused and the store stays small", async () => {
    const folder = dataFolder();
    let redis: TestRedis | undefined;
    if (backend === "redis") {
      redis = await startRedis();
      cleanups.push(() => redis!.close());
    }
    const host = hostOn({ dataFolder: folder, url: redis?.url });
    const plugin = host.forPlugin({ name: "queues", id: "queues", generation: 2, permissions: { taskqueue: { maxConcurrency: 10_000 } }, config: {} });
    const answers = [];
    for (let index = 0; index < 10_000; index++) {
      answers.push(await callJson(plugin, "task_createqueue", { name: `q${index}`, config: { concurrency: 1 } }));
    }
    expect(answers.slice(0, 32).every((answer) => answer.error === undefined)).toBe(true);
    expect(new Set(answers.slice(32).map((answer) => answer.error))).toEqual(new Set(["too many queues: a plugin may create at most 32"]));
    expect(await callJson(plugin, "task_enqueue", { queueName: "q31", payload: b64("still works") })).toMatchObject({ result: expect.any(String) });
    expect(await callJson(plugin, "task_enqueue", { queueName: "q32", payload: b64("never created") })).toEqual({ error: 'queue "q32" does not exist' });
    if (backend === "sqlite") expect(statSync(join(folder, "plugin-state", "queues", "state.db")).size).toBeLessThan(1024 * 1024);
  }, 120_000);
});

describe.skipIf(!hasRedis)("a Redis that stops answering in the middle of calls", () => {
  test("each call fails with 'store unavailable' instead of waiting on it, and work resumes when it answers again", async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.close());
    const host = hostOn({ url: redis.url, timeoutMs: 300 });
    const plugin = host.forPlugin({ name: "hung", id: "hung", generation: 2, permissions: { kvstore: {}, taskqueue: {} }, config: {} });
    expect(await callJson(plugin, "kvstore_set", { key: "k", value: b64("before") })).toEqual({});
    expect(await callJson(plugin, "task_createqueue", { name: "work", config: {} })).toEqual({});

    redis.pause();
    const late = Symbol("no answer after 5 s");
    const answerOrLate = (call: Promise<Record<string, unknown>>) =>
      Promise.race([call, new Promise<typeof late>((resolve) => setTimeout(() => resolve(late), 5_000))]);
    const answers = await Promise.all([
      answerOrLate(callJson(plugin, "kvstore_get", { key: "k" })),
      answerOrLate(callJson(plugin, "kvstore_set", { key: "k", value: b64("during") })),
      answerOrLate(callJson(plugin, "task_enqueue", { queueName: "work", payload: b64("during") })),
    ]);
    for (const answer of answers) expect(answer).toMatchObject({ error: expect.stringMatching(/^store unavailable: /) });

    redis.resume();
    await vi.waitFor(async () => expect(await callJson(plugin, "kvstore_set", { key: "k", value: b64("after") })).toEqual({}), {
      timeout: 10_000,
      interval: 100,
    });
    expect(await callJson(plugin, "kvstore_get", { key: "k" })).toEqual({ value: b64("after"), exists: true });
  }, 60_000);
});
