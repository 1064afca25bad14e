import { afterEach, describe, expect, test, vi } from "vitest";
import { gen2WorkerFunctions } from "../src/shared-cache.js";
import { callJson, gen2PluginWith } from "./support/gen2-plugin.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await close?.();
});

function cachePlugin(options: Parameters<typeof gen2PluginWith>[1] = {}) {
  const plugin = gen2PluginWith({ cache: {} }, options);
  close = plugin.close;
  return plugin;
}

describe("generation-2 cache service", () => {
  test("stores and answers each type; an absent key answers {}", async () => {
    const { services } = cachePlugin();
    expect(await callJson(services, "cache_setstring", { key: "s", value: "hello", ttlSeconds: 60 })).toEqual({});
    expect(await callJson(services, "cache_getstring", { key: "s" })).toEqual({ value: "hello", exists: true });
    await callJson(services, "cache_setint", '{"key":"i","value":9007199254740993}');
    const intAnswer = await services.call("cache_getint", new TextEncoder().encode('{"key":"i"}'));
    expect(new TextDecoder().decode(intAnswer)).toBe('{"value":9007199254740993,"exists":true}');
    await callJson(services, "cache_setfloat", { key: "f", value: 2.5 });
    expect(await callJson(services, "cache_getfloat", { key: "f" })).toEqual({ value: 2.5, exists: true });
    await callJson(services, "cache_setbytes", { key: "b", value: Buffer.from([0, 1, 255]).toString("base64") });
    expect(await callJson(services, "cache_getbytes", { key: "b" })).toEqual({ value: "AAH/", exists: true });
    expect(await callJson(services, "cache_getstring", { key: "missing" })).toEqual({});
  });

  test("a get of the wrong type omits exists; has ignores the type", async () => {
    const { services } = cachePlugin();
    await callJson(services, "cache_setint", { key: "n", value: 7 });
    expect(await callJson(services, "cache_getstring", { key: "n" })).toEqual({});
    expect(await callJson(services, "cache_has", { key: "n" })).toEqual({ exists: true });
  });

  test("zero values are stored and read back with only exists", async () => {
    const { services } = cachePlugin();
    await callJson(services, "cache_setstring", { key: "empty", value: "" });
    expect(await callJson(services, "cache_getstring", { key: "empty" })).toEqual({ exists: true });
  });

  test("remove deletes; has then answers {}", async () => {
    const { services } = cachePlugin();
    await callJson(services, "cache_setstring", { key: "k", value: "v" });
    expect(await callJson(services, "cache_remove", { key: "k" })).toEqual({});
    expect(await callJson(services, "cache_has", { key: "k" })).toEqual({});
  });

  test("ttlSeconds <= 0 keeps the value for the default TTL, a positive one expires", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { services } = cachePlugin({ cache: { defaultTtlSeconds: 3600 } });
    await callJson(services, "cache_setstring", { key: "forever", value: "a", ttlSeconds: -5 });
    await callJson(services, "cache_setstring", { key: "brief", value: "b", ttlSeconds: 1 });
    vi.setSystemTime(Date.now() + 1001);
    expect(await callJson(services, "cache_has", { key: "forever" })).toEqual({ exists: true });
    expect(await callJson(services, "cache_has", { key: "brief" })).toEqual({});
  });

  test("a value larger than the plugin's cache budget is an error envelope", async () => {
    const { services } = cachePlugin({ cache: { maxBytesPerPlugin: 64 * 1024 } });
    const big = Buffer.alloc(128 * 1024).toString("base64");
    const answer = await callJson(services, "cache_setbytes", { key: "big", value: big });
    expect(answer).toEqual({ error: expect.stringContaining('"big" was not stored') });
  });

  test("each plugin id has its own cache, shared with a reload of the same id", async () => {
    const { host, services } = cachePlugin();
    await callJson(services, "cache_setstring", { key: "k", value: "mine" });
    const other = host.forPlugin({ name: "Test Plugin", id: "other", generation: 2, permissions: { cache: {} }, config: {} });
    expect(await callJson(other, "cache_getstring", { key: "k" })).toEqual({});
    const reloaded = host.forPlugin({ name: "x", id: "test-plugin", generation: 2, permissions: { cache: {} }, config: {} });
    expect(await callJson(reloaded, "cache_getstring", { key: "k" })).toEqual({ value: "mine", exists: true });
    const gen1 = host.forPlugin({ name: "test-plugin", permissions: { cache: {} }, config: {} });
    expect((await gen1.cache!.getString({ key: "k" })).exists).toBe(false);
  });
});

describe("the functions a worker thread answers itself", () => {
  const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  const request = (value: object) => new TextEncoder().encode(JSON.stringify(value));

  test("cache_* over the cache's shared memory: what one side stores, the other reads", async () => {
    const { services } = cachePlugin();
    const inWorker = gen2WorkerFunctions("p", {}, services.cache!.shared);
    expect(json(await inWorker.get("cache_setstring")!(request({ key: "k", value: "from the worker" })))).toEqual({});
    expect(await callJson(services, "cache_getstring", { key: "k" })).toEqual({ value: "from the worker", exists: true });
    await callJson(services, "cache_setint", { key: "n", value: 5 });
    expect(json(await inWorker.get("cache_getint")!(request({ key: "n" })))).toEqual({ value: 5, exists: true });
  });

  test("config_* answer as the host's thread does; without a cache, no cache_* is answered here", async () => {
    const inWorker = gen2WorkerFunctions("p", { api_key: "x", retries: "3" });
    expect(json(await inWorker.get("config_get")!(request({ key: "api_key" })))).toEqual({ value: "x", exists: true });
    expect(json(await inWorker.get("config_getint")!(request({ key: "retries" })))).toEqual({ value: 3, exists: true });
    expect(json(await inWorker.get("config_keys")!(request({ prefix: "" })))).toEqual({ keys: ["api_key", "retries"] });
    expect([...inWorker.keys()].some((name) => name.startsWith("cache_"))).toBe(false);
  });
});
