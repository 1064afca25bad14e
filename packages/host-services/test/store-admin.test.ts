import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createHostServices, createPluginStateAdmin, type HostServices, type Logger, type StoreOptions, type TaskOutcomeReport } from "../src/index.js";
import { callJson } from "./support/gen2-plugin.js";
import { redisAvailableFor, startRedis, type TestRedis } from "./support/redis-server.js";

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const b64 = (text: string) => Buffer.from(text).toString("base64");

/** Plugin "a*" (a glob pattern once in a key prefix) and plugin "ab" write state; the admin sees and purges "a*" only. */
async function checkAdmin(store: StoreOptions) {
  const outcomes: TaskOutcomeReport[] = [];
  const host: HostServices = createHostServices({ store: { ...store, onTaskOutcome: (report) => outcomes.push(report) } });
  const admin = createPluginStateAdmin(store, silent);
  try {
    let executed!: () => void;
    const ran = new Promise<void>((resolve) => (executed = resolve));
    const [star, other] = ["a*", "ab"].map((id) =>
      host.forPlugin({
        name: id,
        id,
        generation: 2,
        permissions: { kvstore: {}, taskqueue: {} },
        config: {},
        callbacks: {
          async onTaskExecute() {
            executed();
            return "done";
          },
        },
      }),
    );
    expect(await admin.stats("a*")).toBeUndefined();
    await callJson(star!, "kvstore_set", { key: "k", value: b64("four") });
    await callJson(other!, "kvstore_set", { key: "k", value: b64("other's") });
    await callJson(star!, "task_createqueue", { name: "q", config: {} });
    await callJson(star!, "task_enqueue", { queueName: "q", payload: b64("x") });
    await ran;
    // The run's outcome is recorded after the callback answers.
    await expect.poll(() => outcomes).toEqual([{ pluginId: "a*", outcome: "completed" }]);

    expect(await admin.stats("a*")).toMatchObject({ keys: 1, bytes: 4 });
    expect(await admin.purge("a*")).toBe(true);
    expect(await admin.stats("a*")).toBeUndefined();
    expect(await admin.stats("ab")).toEqual({ keys: 1, bytes: 7, tasks: { pending: 0, running: 0 } });
  } finally {
    await admin.close();
    await host.close();
  }
}

describe("the store's admin view", () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "nd-admin-"));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test("on SQLite: stats and purge of one plugin's folder, never another's", async () => {
    await checkAdmin({ dataFolder: folder });
  });
});

describe.skipIf(!redisAvailableFor("the store admin test on Redis"))("the store's admin view on Redis", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.close());

  test("stats and purge of one plugin's keys (its ID escaped in the SCAN pattern), never another's", async () => {
    await checkAdmin({ url: redis.url });
  });
});
