import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createStoreBackend, type Logger, type PluginStore, resolveStoreOptions, type StoreBackend } from "../src/index.js";
import { redisAvailableFor, startRedis, type TestRedis } from "./support/redis-server.js";

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) => (value === undefined ? undefined : new TextDecoder().decode(value));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const hasRedis = redisAvailableFor("the kvstore quota tests on Redis");
const backends = hasRedis ? (["sqlite", "redis"] as const) : (["sqlite"] as const);

describe.each(backends)("kvstore quota on %s", (backend) => {
  let redis: TestRedis | undefined;
  let folder: string;
  let store: StoreBackend;
  let opened = 0;
  const open = async (): Promise<PluginStore["kv"]> => (await store.open(`quota-${++opened}`)).kv;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "nd-kv-quota-"));
    redis = backend === "redis" ? await startRedis() : undefined;
    store = createStoreBackend(resolveStoreOptions({ url: redis?.url, dataFolder: folder }), silent);
  });
  afterAll(async () => {
    await store.close();
    await redis?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test("a write that fills the quota exactly goes in; one byte more is refused; writes that do not grow always go in", async () => {
    const kv = await open();
    const now = Date.now();
    expect(await kv.put("a", bytes("1234"), undefined, 10, now)).toEqual({ written: true });
    expect(await kv.put("b", bytes("123456"), undefined, 10, now)).toEqual({ written: true });
    expect(await kv.put("c", bytes("1"), undefined, 10, now)).toEqual({ written: false, usedBytes: 10 });
    expect(await kv.put("c", bytes(""), undefined, 10, now)).toEqual({ written: true });
    expect(await kv.put("a", bytes("abcd"), undefined, 10, now)).toEqual({ written: true });
    expect(await kv.put("a", bytes("ab"), undefined, 4, now)).toEqual({ written: true });
    expect(await kv.bytesUsed(now)).toBe(8);
    expect(await kv.list("", now)).toEqual(["a", "b", "c"]);
  });

  test("a refused write leaves the old value, the keys and the usage as they were", async () => {
    const kv = await open();
    const now = Date.now();
    await kv.put("k", bytes("12345678"), undefined, 10, now);
    expect(await kv.put("k", bytes("12345678901"), undefined, 10, now)).toEqual({ written: false, usedBytes: 8 });
    expect(await kv.put("new", bytes("123"), now + 60_000, 10, now)).toEqual({ written: false, usedBytes: 8 });
    expect(text(await kv.get("k", now))).toBe("12345678");
    expect(await kv.get("new", now)).toBeUndefined();
    expect(await kv.list("", now)).toEqual(["k"]);
    expect(await kv.bytesUsed(now)).toBe(8);
  });

  test("expired values stop counting: a write that needs their room gets it", async () => {
    const kv = await open();
    const start = Date.now();
    await kv.put("short", bytes("123456"), start + 100, 10, start);
    await kv.put("kept", bytes("12"), undefined, 10, start);
    expect(await kv.put("next", bytes("1234"), undefined, 10, start)).toEqual({ written: false, usedBytes: 8 });
    await sleep(150);
    const later = Date.now();
    expect(await kv.get("short", later)).toBeUndefined();
    expect(await kv.put("next", bytes("12345678"), undefined, 10, later)).toEqual({ written: true });
    expect(await kv.bytesUsed(later)).toBe(10);
    expect(await kv.list("", later)).toEqual(["kept", "next"]);
  });

  test("an expired value replaced by a larger one is checked against live values only", async () => {
    const kv = await open();
    const start = Date.now();
    await kv.put("k", bytes("1234"), start + 100, 10, start);
    await kv.put("other", bytes("123456"), undefined, 10, start);
    await sleep(150);
    const later = Date.now();
    expect(await kv.put("k", bytes("12345"), undefined, 10, later)).toEqual({ written: false, usedBytes: 6 });
    expect(await kv.put("k", bytes("1234"), undefined, 10, later)).toEqual({ written: true });
    expect(text(await kv.get("k", later))).toBe("1234");
    expect(await kv.bytesUsed(later)).toBe(10);
  });
});

describe("kvstore on SQLite: usage kept by the database", () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "nd-kv-usage-"));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test("a database of the first schema keeps its values and counts them against the quota", async () => {
    const path = join(folder, "plugin-state", "old", "state.db");
    const store = createStoreBackend(resolveStoreOptions({ dataFolder: folder }), silent);
    await (await store.open("old")).close();
    const db = new DatabaseSync(path);
    db.exec("DROP TRIGGER kv_usage_insert; DROP TRIGGER kv_usage_update; DROP TRIGGER kv_usage_delete; DROP TABLE kv_usage");
    db.exec("INSERT INTO kv (key, value, size) VALUES ('a', x'0102030405', 5); PRAGMA user_version = 1");
    db.close();

    const reopened = await store.open("old");
    const { kv } = reopened;
    const now = Date.now();
    expect(await kv.get("a", now)).toEqual(new Uint8Array([1, 2, 3, 4, 5]));
    expect(await kv.put("b", bytes("123456"), undefined, 10, now)).toEqual({ written: false, usedBytes: 5 });
    expect(await kv.put("b", bytes("12345"), undefined, 10, now)).toEqual({ written: true });
    await reopened.close();
  });

  test("expired rows are deleted by the first write of each hour, not only when their room is needed", async () => {
    const store = createStoreBackend(resolveStoreOptions({ dataFolder: folder }), silent);
    const opened = await store.open("hourly");
    const { kv } = opened;
    const t0 = Date.now();
    await kv.put("gone", bytes("x"), t0 + 1000, 100, t0);
    await kv.put("a", bytes("x"), undefined, 100, t0 + 2000);
    const rows = () => {
      const db = new DatabaseSync(join(folder, "plugin-state", "hourly", "state.db"));
      try {
        return (db.prepare("SELECT key FROM kv ORDER BY key").all() as { key: string }[]).map((row) => row.key);
      } finally {
        db.close();
      }
    };
    expect(rows()).toEqual(["a", "gone"]);
    await kv.put("b", bytes("x"), undefined, 100, t0 + 60 * 60 * 1000);
    expect(rows()).toEqual(["a", "b"]);
    expect(await kv.bytesUsed(t0 + 60 * 60 * 1000)).toBe(2);
    await opened.close();
  });
});
