import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createHostServices, type HostServicesOptions } from "../src/index.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function cacheOf(options: HostServicesOptions = {}, name = "cache-plugin") {
  const host = createHostServices(options);
  const services = host.forPlugin({ name, permissions: { cache: {} }, config: {} });
  if (!services.cache) throw new Error("cache service missing");
  return { host, services, cache: services.cache };
}

describe("cache values", () => {
  test("each type round-trips; int64 keeps every bit", async () => {
    const { cache } = cacheOf();
    const big = 2n ** 63n - 1n;
    await cache.setString({ key: "s", value: "héllo" });
    await cache.setInt({ key: "i", value: big });
    await cache.setFloat({ key: "f", value: 0.1 + 0.2 });
    await cache.setBytes({ key: "b", value: Uint8Array.from([0, 255, 7]) });
    expect(await cache.getString({ key: "s" })).toEqual({ exists: true, value: "héllo" });
    expect(await cache.getInt({ key: "i" })).toEqual({ exists: true, value: big });
    expect(await cache.getFloat({ key: "f" })).toEqual({ exists: true, value: 0.1 + 0.2 });
    expect(await cache.getBytes({ key: "b" })).toEqual({ exists: true, value: Uint8Array.from([0, 255, 7]) });
  });

  test("reading a key as another type answers does not exist", async () => {
    const { cache } = cacheOf();
    await cache.setInt({ key: "n", value: 42n });
    expect(await cache.getString({ key: "n" })).toEqual({ exists: false, value: "" });
    expect(await cache.getFloat({ key: "n" })).toEqual({ exists: false, value: 0 });
    expect(await cache.getBytes({ key: "n" })).toEqual({ exists: false, value: new Uint8Array() });
    expect(await cache.getInt({ key: "n" })).toEqual({ exists: true, value: 42n });
  });

  test("a missing key does not exist", async () => {
    const { cache } = cacheOf();
    expect(await cache.getString({ key: "nope" })).toEqual({ exists: false, value: "" });
    expect(await cache.has({ key: "nope" })).toEqual({ exists: false });
  });

  test("stored bytes do not change when the caller's buffer does", async () => {
    const { cache } = cacheOf();
    const value = Uint8Array.from([1, 2, 3]);
    await cache.setBytes({ key: "b", value });
    value[0] = 99;
    const first = await cache.getBytes({ key: "b" });
    first.value[1] = 99;
    expect((await cache.getBytes({ key: "b" })).value).toEqual(Uint8Array.from([1, 2, 3]));
  });

  test("remove and has", async () => {
    const { cache } = cacheOf();
    await cache.setString({ key: "k", value: "v" });
    expect(await cache.has({ key: "k" })).toEqual({ exists: true });
    expect(await cache.remove({ key: "k" })).toEqual({ success: true });
    expect(await cache.has({ key: "k" })).toEqual({ exists: false });
    expect(await cache.remove({ key: "k" })).toEqual({ success: true });
  });

  test("plugins do not see each other's keys", async () => {
    const host = createHostServices();
    const one = host.forPlugin({ name: "one", permissions: { cache: {} }, config: {} }).cache;
    const two = host.forPlugin({ name: "two", permissions: { cache: {} }, config: {} }).cache;
    await one?.setString({ key: "shared", value: "from one" });
    expect(await two?.getString({ key: "shared" })).toEqual({ exists: false, value: "" });
    await host.close();
  });
});

describe("cache expiry", () => {
  test("items live for ttl_seconds", async () => {
    const { cache } = cacheOf();
    await cache.setString({ key: "short", value: "v", ttlSeconds: 5n });
    vi.advanceTimersByTime(4_999);
    expect((await cache.getString({ key: "short" })).exists).toBe(true);
    vi.advanceTimersByTime(1);
    expect((await cache.getString({ key: "short" })).exists).toBe(false);
  });

  test("ttl_seconds 0 means the default, 24 hours unless configured", async () => {
    const { cache } = cacheOf();
    await cache.setString({ key: "k", value: "v" });
    vi.advanceTimersByTime(24 * 3600 * 1000 - 1);
    expect((await cache.has({ key: "k" })).exists).toBe(true);
    vi.advanceTimersByTime(1);
    expect((await cache.has({ key: "k" })).exists).toBe(false);

    const configured = cacheOf({ cache: { defaultTtlSeconds: 10 } }).cache;
    await configured.setString({ key: "k", value: "v" });
    vi.advanceTimersByTime(10_000);
    expect((await configured.has({ key: "k" })).exists).toBe(false);
  });

  test("expired items are freed by the sweep, without being read", async () => {
    const { cache } = cacheOf({ cache: { sweepIntervalSeconds: 30 } });
    await cache.setBytes({ key: "big", value: new Uint8Array(10_000), ttlSeconds: 10n });
    await cache.setString({ key: "lasting", value: "v", ttlSeconds: 3600n });
    expect(cache.stats().entries).toBe(2);
    expect(cache.stats().bytes).toBeGreaterThan(10_000);
    vi.advanceTimersByTime(30_000);
    expect(cache.stats().entries).toBe(1);
    expect(cache.stats().bytes).toBeLessThan(1_000);
  });
});

describe("cache memory cap", () => {
  test("least recently used items are evicted to stay under the cap", async () => {
    const { cache } = cacheOf({ cache: { maxBytesPerPlugin: 4_000 } });
    const kilobyte = new Uint8Array(1_000);
    for (const key of ["a", "b", "c"]) await cache.setBytes({ key, value: kilobyte });
    await cache.getBytes({ key: "a" }); // "a" is now more recent than "b"
    await cache.setBytes({ key: "d", value: kilobyte });
    expect(cache.stats().bytes).toBeLessThanOrEqual(4_000);
    expect((await cache.has({ key: "b" })).exists).toBe(false);
    for (const key of ["a", "c", "d"]) expect((await cache.has({ key })).exists).toBe(true);
  });

  test("expired items go before live ones", async () => {
    const { cache } = cacheOf({ cache: { maxBytesPerPlugin: 3_500 } });
    const kilobyte = new Uint8Array(1_000);
    await cache.setBytes({ key: "old", value: kilobyte });
    await cache.setBytes({ key: "expiring", value: kilobyte, ttlSeconds: 1n });
    await cache.setBytes({ key: "recent", value: kilobyte });
    vi.advanceTimersByTime(1_000);
    await cache.setBytes({ key: "new", value: kilobyte });
    expect((await cache.has({ key: "old" })).exists).toBe(true);
    expect(cache.stats().entries).toBe(3);
  });

  test("an item larger than the whole cap is refused and evicts nothing", async () => {
    const { cache } = cacheOf({ cache: { maxBytesPerPlugin: 2_000 } });
    await cache.setString({ key: "small", value: "v" });
    expect(await cache.setBytes({ key: "huge", value: new Uint8Array(5_000) })).toEqual({ success: false });
    expect((await cache.has({ key: "small" })).exists).toBe(true);
  });

  test("closing the plugin frees its cache", async () => {
    const { services, cache } = cacheOf();
    await cache.setString({ key: "k", value: "v" });
    await services.close();
    expect(cache.stats().entries).toBe(0);
    expect(await cache.setString({ key: "k", value: "v" })).toEqual({ success: false });
  });
});
