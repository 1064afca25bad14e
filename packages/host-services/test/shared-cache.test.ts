import { cache as wire } from "@nd/protocol";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Worker } from "node:worker_threads";
import { afterEach, describe, expect, test } from "vitest";
import {
  type CacheService,
  ConfigurationError,
  createHostServices,
  HostCallError,
  type HostServices,
  type HostServicesOptions,
  recoverSharedCache,
} from "../src/index.js";
import { sharedCacheCalls } from "../src/shared-cache.js";
import { HAMMER_KEYS, hammer, type HammerReport } from "./support/cache-hammer.mjs";
import { cacheWorker, servingWorker } from "./support/cache-threads.js";

const MIB = 1024 * 1024;
const hosts: HostServices[] = [];
const workers: Worker[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

function pluginCache(options?: HostServicesOptions["cache"]) {
  const host = createHostServices({ cache: options });
  hosts.push(host);
  const services = host.forPlugin({ name: "threads", permissions: { cache: {} }, config: {} });
  return { services, cache: services.cache! };
}

async function serving(cache: CacheService) {
  const served = await servingWorker(cache.shared!);
  workers.push(served.worker);
  return served;
}

const encodeGet = (key: string) => wire.GetRequest.encode({ key }).finish();
const encodeSetString = (key: string, value: string) =>
  wire.SetStringRequest.encode({ key, value, ttlSeconds: 0n }).finish();

describe("one cache for the main thread and its workers", () => {
  test("a worker reads what the main thread stored, and the other way round", async () => {
    const { cache } = pluginCache();
    await cache.setString({ key: "from-main", value: "hello, worker" });
    const worker = await serving(cache);

    const read = await worker.call("get_string", encodeGet("from-main"));
    expect(wire.GetStringResponse.decode(read.response)).toEqual({ exists: true, value: "hello, worker" });
    const setInt = wire.SetIntRequest.encode({ key: "from-worker", value: 2n ** 62n, ttlSeconds: 0n }).finish();
    const set = await worker.call("set_int", setInt);
    expect(wire.SetResponse.decode(set.response)).toEqual({ success: true });

    expect(await cache.getInt({ key: "from-worker" })).toEqual({ exists: true, value: 2n ** 62n });
    expect(cache.stats().entries).toBe(2);
  });

  test("the worker's entry refuses imports of other services and bytes that do not decode", async () => {
    const { cache } = pluginCache();
    const worker = await serving(cache);
    await expect(worker.call("get", encodeGet("k"))).rejects.toMatchObject({
      name: "HostCallError",
      kind: "host-call",
    });
    await expect(worker.call("get_string", Uint8Array.of(0x0a, 0x05, 0x41))).rejects.toMatchObject({
      name: "HostCallError",
      message: expect.stringMatching(/^env\.get_string: the 3 request bytes do not decode as a CacheService\.GetString/),
    });

    const call = sharedCacheCalls(cache.shared!);
    for (const importName of ["constructor", "toString", "get_config", "cache_get_string"]) {
      expect(() => call(importName, new Uint8Array())).toThrow(HostCallError);
    }
    const has = call("has", wire.HasRequest.encode({ key: "k" }).finish());
    expect(wire.HasResponse.decode(has)).toEqual({ exists: false });
  });

  test("an item set with ttl_seconds 0 in a worker gets the handle's default TTL", async () => {
    const { cache } = pluginCache({ defaultTtlSeconds: 1 });
    const worker = await serving(cache);
    await worker.call("set_string", encodeSetString("brief", "v"));
    expect((await cache.has({ key: "brief" })).exists).toBe(true);
    await sleep(1_050);
    expect((await worker.call("has", wire.HasRequest.encode({ key: "brief" }).finish())).response).toEqual(
      wire.HasResponse.encode({ exists: false }).finish(),
    );
  });

  test("after the service closes, sets fail and reads find nothing in every thread", async () => {
    const { services, cache } = pluginCache();
    const worker = await serving(cache);
    await worker.call("set_string", encodeSetString("k", "v"));
    await services.close();

    const set = await worker.call("set_string", encodeSetString("k", "again"));
    expect(wire.SetResponse.decode(set.response)).toEqual({ success: false });
    const read = await worker.call("get_string", encodeGet("k"));
    expect(wire.GetStringResponse.decode(read.response)).toEqual({ exists: false, value: "" });
    expect(await cache.setString({ key: "k", value: "v" })).toEqual({ success: false });
    expect(cache.stats().entries).toBe(0);
  });
});

function valueBytes(response: { value: string | bigint | Uint8Array }): number {
  const { value } = response;
  if (typeof value === "string") return Buffer.byteLength(value, "utf8");
  return typeof value === "bigint" ? 8 : value.byteLength;
}

test("three workers and the main thread hammer one small cache: no torn value, budget held, counts add up", async () => {
  const maxBytes = 16_384;
  const { services, cache } = pluginCache({ maxBytesPerPlugin: maxBytes });
  const reports = [1, 2, 3].map((seed) => {
    const worker = cacheWorker(cache.shared!, { task: "hammer", options: { iterations: 30_000, seed } });
    workers.push(worker);
    return once(worker, "message").then(([report]) => report as HammerReport);
  });
  let workersDone = false;
  void Promise.all(reports).then(() => (workersDone = true));

  let mostBytes = 0;
  const mainReports: HammerReport[] = [];
  for (let round = 1; !workersDone; round++) {
    const report = await hammer((importName, request) => services.call(importName, request), {
      iterations: 200,
      seed: 1_000 + round,
      afterEach: () => (mostBytes = Math.max(mostBytes, cache.stats().bytes)),
    });
    mainReports.push(report);
    await sleep(0); // lets the workers' reports arrive
  }

  for (const report of [...mainReports, ...(await Promise.all(reports))]) expect(report.torn).toEqual([]);
  for (const report of await Promise.all(reports)) expect(report.valuesFound).toBeGreaterThan(1_000);
  expect(mainReports.reduce((found, report) => found + report.valuesFound, 0)).toBeGreaterThan(0);
  expect(mostBytes).toBeLessThanOrEqual(maxBytes);

  let entries = 0;
  let bytes = 0;
  for (const key of HAMMER_KEYS) {
    const reads = [await cache.getString({ key }), await cache.getInt({ key }), await cache.getBytes({ key })];
    const found = reads.filter((read) => read.exists);
    expect(found.length).toBeLessThanOrEqual(1);
    if (found[0]) {
      entries++;
      bytes += 64 + key.length + valueBytes(found[0]);
    }
  }
  expect(cache.stats()).toEqual({ entries, bytes, maxBytes });
});

describe("a worker terminated while it holds the cache's lock", () => {
  /** Terminates busy writers until one dies holding the lock, which a read then waits for in vain. */
  async function killWhileHoldingLock(cache: CacheService) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const worker = cacheWorker(cache.shared!, { task: "setForever", valueBytes: MIB });
      await once(worker, "message");
      await sleep(20);
      const deadThreadId = worker.threadId;
      await worker.terminate();
      const started = performance.now();
      const read = await cache.getBytes({ key: "big" });
      if (!read.exists) return { deadThreadId, mainThreadMs: performance.now() - started };
    }
    throw new Error("no writer died holding the lock in 20 attempts");
  }

  test("others answer like a miss within their budget; recovery empties the cache and frees the lock", async () => {
    const { cache } = pluginCache({ maxBytesPerPlugin: 4 * MIB });
    const bystander = await serving(cache);
    await cache.setString({ key: "other", value: "stored before" });
    const { deadThreadId, mainThreadMs } = await killWhileHoldingLock(cache);

    expect(mainThreadMs).toBeGreaterThanOrEqual(4);
    expect(mainThreadMs).toBeLessThan(1_000);
    expect(await cache.setString({ key: "k", value: "v" })).toEqual({ success: false });
    expect(await cache.remove({ key: "k" })).toEqual({ success: false });
    const blocked = await bystander.call("get_bytes", encodeGet("big"));
    expect(wire.GetBytesResponse.decode(blocked.response).exists).toBe(false);
    expect(blocked.ms).toBeGreaterThanOrEqual(45);
    expect(blocked.ms).toBeLessThan(1_000);

    expect(recoverSharedCache(cache.shared!, deadThreadId)).toBe(true);
    expect(recoverSharedCache(cache.shared!, deadThreadId)).toBe(false);
    expect(cache.stats()).toEqual({ entries: 0, bytes: 0, maxBytes: 4 * MIB });
    expect((await cache.has({ key: "other" })).exists).toBe(false);

    expect(await cache.setString({ key: "after", value: "recovery" })).toEqual({ success: true });
    const read = await bystander.call("get_string", encodeGet("after"));
    expect(wire.GetStringResponse.decode(read.response)).toEqual({ exists: true, value: "recovery" });
    expect(read.ms).toBeLessThan(45);
  });

  test("recovery for a thread that did not hold the lock changes nothing", async () => {
    const { cache } = pluginCache();
    const worker = await serving(cache);
    await worker.call("set_string", encodeSetString("k", "v"));
    const threadId = worker.worker.threadId;
    await worker.worker.terminate();
    expect(recoverSharedCache(cache.shared!, threadId)).toBe(false);
    expect(() => recoverSharedCache(cache.shared!, worker.worker.threadId)).toThrow(ConfigurationError);
    expect(await cache.getString({ key: "k" })).toEqual({ exists: true, value: "v" });
  });
});

test("the built light entry loads no http, websocket or scheduler package", () => {
  const dist = new URL("../dist/", import.meta.url);
  for (const entry of ["shared-cache.js", "shared-cache.cjs"]) {
    const packages = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(new URL(file, dist), "utf8");
      for (const [, specifier] of code.matchAll(/(?:from\s*|require\()["']([^"']+)["']/g)) {
        if (specifier!.startsWith("./")) visit(specifier!.slice(2));
        else packages.add(specifier!);
      }
    };
    visit(entry);
    expect([...packages].sort()).toEqual(["@nd/protocol", "worker_threads"]);
  }
});
