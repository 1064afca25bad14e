import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createHostServices, type HostServices, type PluginHostServices } from "../src/index.js";
import { callJson } from "./support/gen2-plugin.js";
import { redisAvailableFor, startRedis, type TestRedis } from "./support/redis-server.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");

function kvPlugin(host: HostServices, id: string, maxSize?: string): PluginHostServices {
  const kvstore = maxSize === undefined ? {} : { maxSize };
  return host.forPlugin({ name: id, id, generation: 2, permissions: { kvstore }, config: {} });
}

const hasRedis = redisAvailableFor("the kvstore tests on Redis");
const backends = hasRedis ? (["sqlite", "redis"] as const) : (["sqlite"] as const);

describe.each(backends)("kvstore on %s", (backend) => {
  let folder: string;
  let redis: TestRedis | undefined;
  let host: HostServices;
  let plugins = 0;
  /** A fresh plugin id per test: no test sees another's keys. */
  const fresh = (maxSize?: string) => kvPlugin(host, `kv-${backend}-${++plugins}`, maxSize);

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "nd-kv-"));
    redis = backend === "redis" ? await startRedis() : undefined;
    host = createHostServices({ store: { dataFolder: folder, url: redis?.url } });
  });
  afterAll(async () => {
    await host.close();
    await redis?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  test("set, get, has, getmany, delete answer v0.63's envelopes", async () => {
    const kv = fresh();
    expect(await callJson(kv, "kvstore_set", { key: "a", value: b64("one") })).toEqual({});
    await callJson(kv, "kvstore_set", { key: "b", value: b64("two") });
    expect(await callJson(kv, "kvstore_get", { key: "a" })).toEqual({ value: b64("one"), exists: true });
    expect(await callJson(kv, "kvstore_get", { key: "zz" })).toEqual({});
    expect(await callJson(kv, "kvstore_has", { key: "b" })).toEqual({ exists: true });
    expect(await callJson(kv, "kvstore_getmany", { keys: ["a", "b", "missing"] })).toEqual({
      values: { a: b64("one"), b: b64("two") },
    });
    expect((await callJson(kv, "kvstore_getmany", { keys: ["a", 7] })).error).toMatch(/cannot unmarshal .* "keys\[1\]"/);
    await callJson(kv, "kvstore_delete", { key: "a" });
    expect(await callJson(kv, "kvstore_has", { key: "a" })).toEqual({});
    expect(await callJson(kv, "kvstore_getstorageused")).toEqual({ bytes: 3 });
  });

  test("list is ordered and prefixes are literal: % and _ match only themselves, case counts", async () => {
    const kv = fresh();
    for (const key of ["b_2", "b%1", "bx2", "B_3", "a", "b_1"]) await callJson(kv, "kvstore_set", { key, value: b64("v") });
    expect(await callJson(kv, "kvstore_list", { prefix: "b_" })).toEqual({ keys: ["b_1", "b_2"] });
    expect(await callJson(kv, "kvstore_list", { prefix: "b%" })).toEqual({ keys: ["b%1"] });
    expect(await callJson(kv, "kvstore_list", {})).toEqual({ keys: ["B_3", "a", "b%1", "b_1", "b_2", "bx2"] });
    expect(await callJson(kv, "kvstore_deletebyprefix", { prefix: "b_" })).toEqual({ deletedCount: 2 });
    expect(await callJson(kv, "kvstore_list", { prefix: "b" })).toEqual({ keys: ["b%1", "bx2"] });
    expect(await callJson(kv, "kvstore_deletebyprefix", { prefix: "" })).toEqual({ error: "prefix cannot be empty" });
  });

  test("a value past the quota is refused and nothing is written; shrinking is always allowed", async () => {
    const kv = fresh("10B");
    await callJson(kv, "kvstore_set", { key: "k", value: b64("12345678") });
    const refused = await callJson(kv, "kvstore_set", { key: "other", value: b64("123") });
    expect(refused.error).toMatch(/^storage limit exceeded: /);
    expect(await callJson(kv, "kvstore_has", { key: "other" })).toEqual({});
    expect(await callJson(kv, "kvstore_set", { key: "k", value: b64("1234567890") })).toEqual({});
    expect(await callJson(kv, "kvstore_getstorageused")).toEqual({ bytes: 10 });
    expect(await callJson(kv, "kvstore_set", { key: "k", value: b64("1") })).toEqual({});
    expect(await callJson(kv, "kvstore_getstorageused")).toEqual({ bytes: 1 });
  });

  test("keys: empty and over 256 bytes are refused (a 1 MiB key too)", async () => {
    const kv = fresh();
    expect(await callJson(kv, "kvstore_set", { key: "", value: b64("v") })).toEqual({ error: "key cannot be empty" });
    expect(await callJson(kv, "kvstore_set", { key: "é".repeat(128), value: b64("v") })).toEqual({});
    const long = await callJson(kv, "kvstore_set", { key: "k".repeat(257), value: b64("v") });
    expect(long.error).toMatch(/key length exceeds maximum of 256 bytes/);
    const huge = await callJson(kv, "kvstore_set", { key: "k".repeat(1024 * 1024), value: b64("v") });
    expect(huge.error).toMatch(/key length exceeds maximum of 256 bytes/);
  });

  test("an expired key is gone from get, has, list, getmany and storage; set clears a TTL", async () => {
    const kv = fresh();
    await callJson(kv, "kvstore_setwithttl", { key: "short", value: b64("xyz"), ttlSeconds: 1 });
    await callJson(kv, "kvstore_setwithttl", { key: "kept", value: b64("abc"), ttlSeconds: 1 });
    await callJson(kv, "kvstore_set", { key: "kept", value: b64("abc") });
    expect(await callJson(kv, "kvstore_get", { key: "short" })).toEqual({ value: b64("xyz"), exists: true });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await callJson(kv, "kvstore_get", { key: "short" })).toEqual({});
    expect(await callJson(kv, "kvstore_has", { key: "short" })).toEqual({});
    expect(await callJson(kv, "kvstore_list", {})).toEqual({ keys: ["kept"] });
    expect(await callJson(kv, "kvstore_getmany", { keys: ["short", "kept"] })).toEqual({ values: { kept: b64("abc") } });
    expect(await callJson(kv, "kvstore_getstorageused")).toEqual({ bytes: 3 });
    expect(await callJson(kv, "kvstore_setwithttl", { key: "x", value: b64("v"), ttlSeconds: 0 })).toEqual({
      error: "ttlSeconds must be greater than 0",
    });
  });

  test("plugins never see each other's keys, even with ids that look like key paths", async () => {
    const one = kvPlugin(host, `${backend}:a`);
    const two = kvPlugin(host, `${backend}:a:kv`);
    await callJson(one, "kvstore_set", { key: "secret", value: b64("1") });
    expect(await callJson(two, "kvstore_list", {})).toEqual({});
    expect(await callJson(two, "kvstore_get", { key: "secret" })).toEqual({});
    expect(await callJson(two, "kvstore_getstorageused")).toEqual({});
  });
});

describe("kvstore on SQLite files", () => {
  test("values survive closing and reopening the host; the plugin's folder is 0700", async () => {
    const folder = mkdtempSync(join(tmpdir(), "nd-kv-"));
    try {
      const first = createHostServices({ store: { dataFolder: folder } });
      await callJson(kvPlugin(first, "keeper"), "kvstore_set", { key: "k", value: b64("kept") });
      await first.close();
      expect(statSync(join(folder, "plugin-state", "keeper")).mode & 0o777).toBe(0o700);
      const second = createHostServices({ store: { dataFolder: folder } });
      expect(await callJson(kvPlugin(second, "keeper"), "kvstore_get", { key: "k" })).toEqual({ value: b64("kept"), exists: true });
      await second.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test("plugin ids such as '..' or 'a/b' stay folders inside plugin-state", async () => {
    const folder = mkdtempSync(join(tmpdir(), "nd-kv-"));
    try {
      const host = createHostServices({ store: { dataFolder: folder } });
      for (const id of ["..", ".", "a/b"]) await callJson(kvPlugin(host, id), "kvstore_set", { key: "k", value: b64(id) });
      await host.close();
      expect(readdirSync(join(folder, "plugin-state")).sort()).toEqual(["%2E", "%2E%2E", "a%2Fb"]);
      expect(readdirSync(folder)).toEqual(["plugin-state"]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test("without a dataFolder or url the store is in memory, and the host says so", async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (message: string) => warnings.push(message) };
    const host = createHostServices({ logger });
    await callJson(kvPlugin(host, "memory"), "kvstore_set", { key: "k", value: b64("v") });
    expect(warnings.join("\n")).toMatch(/in memory/);
    await host.close();
  });

  test("an invalid maxSize fails the plugin's load; SI units are read as Navidrome does", () => {
    const host = createHostServices();
    expect(() => kvPlugin(host, "bad", "ten megs")).toThrow(/permissions.kvstore.maxSize must be a size such as "10KB".*got "ten megs"/);
    expect(() => kvPlugin(host, "good", "1.5 MiB")).not.toThrow();
    return host.close();
  });
});
