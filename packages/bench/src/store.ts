import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  createHostServices,
  createStoreBackend,
  resolveStoreOptions,
  type HostServices,
  type PluginCallbacks,
  type PluginHostServices,
  type StoreOptions,
} from "@nd/host-services";
import type { PermissionsV2 } from "@nd/manifest";
import { Redis } from "ioredis";
import { latencyMicros } from "./stats.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const VALUE = Buffer.from("the value of a kvstore key").toString("base64");

async function callJson(services: PluginHostServices, importName: string, request: unknown): Promise<Record<string, unknown>> {
  const answer = JSON.parse(decoder.decode(await services.call(importName, encoder.encode(JSON.stringify(request)))));
  if (answer.error) throw new Error(`${importName} answered ${answer.error}`);
  return answer;
}

function gen2Plugin(host: HostServices, id: string, permissions: PermissionsV2, callbacks: PluginCallbacks = {}): PluginHostServices {
  return host.forPlugin({ name: id, id, generation: 2, permissions, config: {}, callbacks });
}

/** One kvstore_set + one kvstore_get through nd's host services (the JSON codec, the store layer), no plugin. */
export async function ndKvSetGetMicros(store: StoreOptions, samples = 300): Promise<number> {
  const host = createHostServices({ store, logger: quiet });
  try {
    const plugin = gen2Plugin(host, "bench-kv", { kvstore: {} });
    const setGet = async () => {
      await callJson(plugin, "kvstore_set", { key: "k", value: VALUE });
      const answer = await callJson(plugin, "kvstore_get", { key: "k" });
      if (answer.value !== VALUE) throw new Error("kvstore_get answered another value");
    };
    return await latencyMicros(setGet, { samples, batch: 20, warmup: 500 });
  } finally {
    await host.close();
  }
}

/** The default kvstore quota (1 MB), checked by every write of the store-layer measure as by a plugin's. */
const QUOTA_BYTES = 1_000_000;

/**
 * One put + one get on nd's store layer alone (the plugin's namespace, the quota check, the
 * expiry rules), without the host function's JSON envelope: the like-for-like pair of a bare
 * statement or round trip.
 */
export async function storeKvSetGetMicros(store: StoreOptions, samples = 300): Promise<number> {
  const backend = createStoreBackend(resolveStoreOptions(store), quiet);
  const plugin = await backend.open("bench-store-kv");
  try {
    const value = Buffer.from(VALUE, "base64");
    const setGet = async () => {
      const now = Date.now();
      if (!(await plugin.kv.put("k", value, undefined, QUOTA_BYTES, now)).written) throw new Error("the store refused the write");
      if (!(await plugin.kv.get("k", now))) throw new Error("the store found nothing");
    };
    return await latencyMicros(setGet, { samples, batch: 20, warmup: 500 });
  } finally {
    await plugin.close();
    await backend.close();
  }
}

/** The floor on SQLite: an upsert and a select, prepared statements on a WAL database file. */
export async function bareSqliteSetGetMicros(samples = 300): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), "nd-bench-sqlite-"));
  const db = new DatabaseSync(join(folder, "bare.db"));
  try {
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)");
    const upsert = db.prepare("INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    const select = db.prepare("SELECT value FROM kv WHERE key = ?");
    const value = Buffer.from(VALUE, "base64");
    const setGet = async () => {
      upsert.run("k", value);
      if (!select.get("k")) throw new Error("the bare select found nothing");
    };
    return await latencyMicros(setGet, { samples, batch: 20, warmup: 500 });
  } finally {
    db.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The floor on Redis: one SET and one GET round trip with ioredis. */
export async function bareRedisSetGetMicros(url: string, samples = 300): Promise<number> {
  const redis = new Redis(url);
  try {
    const value = Buffer.from(VALUE, "base64");
    const setGet = async () => {
      await redis.set("bare:k", value);
      if (!(await redis.getBuffer("bare:k"))) throw new Error("the bare GET found nothing");
    };
    return await latencyMicros(setGet, { samples, batch: 20, warmup: 500 });
  } finally {
    redis.disconnect();
  }
}

let taskRuns = 0;

/**
 * Tasks per second: `total` tasks enqueued on queue "jobs" (concurrency 4) through the hosts in
 * turn, each run by `onTaskExecute` answering at once; from the first enqueue to the last completion.
 */
export async function tasksPerSecond(stores: StoreOptions[], total: number): Promise<number> {
  const hosts = stores.map((store) => createHostServices({ store, logger: quiet }));
  const id = `bench-tasks-${++taskRuns}`;
  let completed = 0;
  let allDone!: () => void;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  try {
    const plugins = hosts.map((host) =>
      gen2Plugin(host, id, { taskqueue: { maxConcurrency: 4 } }, {
        async onTaskExecute() {
          if (++completed === total) allDone();
          return "done";
        },
      }),
    );
    for (const plugin of plugins) await callJson(plugin, "task_createqueue", { name: "jobs", config: { concurrency: 4 } });
    const payload = Buffer.from("work").toString("base64");
    const start = performance.now();
    for (let index = 0; index < total; index++) {
      await callJson(plugins[index % plugins.length]!, "task_enqueue", { queueName: "jobs", payload });
    }
    await done;
    return total / ((performance.now() - start) / 1000);
  } finally {
    await Promise.all(hosts.map((host) => host.close()));
  }
}
