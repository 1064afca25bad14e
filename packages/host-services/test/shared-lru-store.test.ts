import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { CacheValue } from "../src/cache/cache-value.js";
import { SharedLruStore } from "../src/cache/shared-lru-store.js";
import { ConfigurationError } from "../src/errors.js";
import { ReferenceLru } from "./support/reference-lru.js";

function testClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const text = (value: string): CacheValue => ({ type: "string", value });
const bytes = (length: number, fill = 7): CacheValue => ({ type: "bytes", value: new Uint8Array(length).fill(fill) });
const HOUR = 3_600_000;

describe("SharedLruStore", () => {
  test("each type round-trips, and a store attached to the same buffer sees and changes it", () => {
    const store = SharedLruStore.create(10_000);
    const values: CacheValue[] = [
      text("héllo"),
      { type: "int", value: -(2n ** 63n) },
      { type: "float", value: -0 },
      { type: "bytes", value: Uint8Array.from([0, 255, 7]) },
    ];
    values.forEach((value, index) => expect(store.set(`k${index}`, value, HOUR)).toBe(true));
    const attached = SharedLruStore.attach(store.buffer);
    values.forEach((value, index) => expect(attached.get(`k${index}`)).toEqual(value));
    expect(attached.delete("k0")).toBe("deleted");
    expect(store.has("k0")).toBe(false);
    expect(attached.size).toBe(3);
    expect(attached.maxBytes).toBe(10_000);
  });

  test("an item costs 64 bytes plus its UTF-8 key and value bytes; numbers count 8", () => {
    const store = SharedLruStore.create(10_000);
    store.set("é", text("ab€"), HOUR);
    expect(store.bytes).toBe(64 + 2 + 5);
    store.set("n", { type: "int", value: 1n }, HOUR);
    store.set("f", { type: "float", value: 1.5 }, HOUR);
    expect(store.bytes).toBe(71 + 2 * (64 + 1 + 8));
    store.set("é", bytes(100), HOUR);
    expect(store.bytes).toBe(64 + 2 + 100 + 2 * 73);
    expect(store.size).toBe(3);
  });

  test("an item larger than the whole budget is refused and the previous value kept", () => {
    const store = SharedLruStore.create(1_000);
    store.set("k", text("v"), HOUR);
    expect(store.set("k", bytes(1_000 - 64), HOUR)).toBe(false);
    expect(store.get("k")).toEqual(text("v"));
    expect(store.set("k", bytes(1_000 - 65), HOUR)).toBe(true);
    expect(store.bytes).toBe(1_000);
  });

  test("reads count as use: the least recently used item is evicted first", () => {
    const store = SharedLruStore.create(4_000);
    for (const key of ["a", "b", "c"]) store.set(key, bytes(1_000), HOUR);
    store.get("a");
    store.set("d", bytes(1_000), HOUR);
    expect(["a", "b", "c", "d"].map((key) => store.has(key))).toEqual([true, false, true, true]);
  });

  test("expired items are not found, and are freed when touched or swept", () => {
    const clock = testClock();
    const store = SharedLruStore.create(10_000, { now: clock.now });
    store.set("short", text("v"), 1_000);
    store.set("touched", text("v"), 1_000);
    store.set("long", text("v"), HOUR);
    clock.advance(999);
    expect(store.has("short")).toBe(true);
    clock.advance(1);
    expect(store.get("touched")).toBeUndefined();
    expect(store.size).toBe(2);
    expect(store.sweepExpired()).toBe(1);
    expect(store.size).toBe(1);
    expect(store.bytes).toBe(64 + 4 + 1);
  });

  test("delete answers whether it removed an item; clear empties the store", () => {
    const store = SharedLruStore.create(10_000);
    store.set("k", text("v"), HOUR);
    expect(store.delete("k")).toBe("deleted");
    expect(store.delete("k")).toBe("absent");
    store.set("a", text("v"), HOUR);
    store.set("b", text("v"), HOUR);
    store.clear();
    expect([store.size, store.bytes, store.has("a")]).toEqual([0, 0, false]);
    expect(store.set("a", text("again"), HOUR)).toBe(true);
    expect(store.get("a")).toEqual(text("again"));
  });

  test("a closed store refuses sets and finds nothing, through every attached store", () => {
    const store = SharedLruStore.create(10_000);
    const attached = SharedLruStore.attach(store.buffer);
    attached.set("k", text("v"), HOUR);
    store.close();
    expect(attached.closed).toBe(true);
    expect(attached.set("k", text("v"), HOUR)).toBe(false);
    expect(attached.get("k")).toBeUndefined();
    expect(attached.size).toBe(0);
  });

  test("a buffer that does not hold a shared cache, and budgets out of range, are refused", () => {
    expect(() => SharedLruStore.attach(new SharedArrayBuffer(1_024))).toThrow(ConfigurationError);
    expect(() => SharedLruStore.attach(new SharedArrayBuffer(8))).toThrow(ConfigurationError);
    expect(() => SharedLruStore.create(0)).toThrow(ConfigurationError);
    expect(() => SharedLruStore.create(2 ** 30)).toThrow(ConfigurationError);
  });

  test("thousands of keys set and deleted: the table sheds its tombstones and lookups still end", () => {
    const store = SharedLruStore.create(640); // 8 slots
    for (let round = 0; round < 5_000; round++) {
      expect(store.set(`key-${round}`, text("v"), HOUR)).toBe(true);
      expect(store.delete(`key-${round}`)).toBe("deleted");
      expect(store.has(`missing-${round}`)).toBe(false);
    }
    expect(store.size).toBe(0);
  });

  test("reads that carry entries round the arena many times evict nothing the budget keeps", () => {
    const store = SharedLruStore.create(2_000);
    const keys = Array.from({ length: 12 }, (_, index) => `k${index}`);
    keys.forEach((key, index) => store.set(key, bytes(60, index), HOUR));
    const used = store.bytes;
    // k0 is never read, so it stays the least recently used, at the tail of the arena.
    for (let read = 0; read < 5_000; read++) {
      const index = 1 + (read % (keys.length - 1));
      const value = store.get(keys[index]!);
      if (value?.type !== "bytes" || value.value[0] !== index) expect.fail(`read ${read}: ${keys[index]} lost`);
    }
    expect(keys.map((key, index) => store.get(key))).toEqual(keys.map((_, index) => bytes(60, index)));
    expect([store.size, store.bytes]).toEqual([keys.length, used]);
  });
});

// A few hot keys and some cold ones, so that cold items sit at the tail while hot ones churn.
const keys = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("a", "b", "c") },
  { weight: 1, arbitrary: fc.constantFrom("d", "e", "f", "g", "", "ключ", "a-much-longer-key-than-the-others") },
);
const values: fc.Arbitrary<CacheValue> = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 60 }).map((value) => ({ type: "string" as const, value })),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ type: "int" as const, value })),
  fc.double().map((value) => ({ type: "float" as const, value })),
  fc.uint8Array({ maxLength: 600 }).map((value) => ({ type: "bytes" as const, value })),
);
const operations = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("set" as const),
      key: keys,
      value: values,
      ttlMs: fc.integer({ min: 1, max: 5_000 }),
    }),
  },
  { weight: 5, arbitrary: fc.record({ op: fc.constant("get" as const), key: keys }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("has" as const), key: keys }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("delete" as const), key: keys }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 3_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("sweep" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("clear" as const) }) },
);
type Operation = typeof operations extends fc.Arbitrary<infer T> ? T : never;

function apply(store: SharedLruStore | ReferenceLru, operation: Operation, advance: (ms: number) => void): unknown {
  switch (operation.op) {
    case "set":
      return store.set(operation.key, operation.value, operation.ttlMs);
    case "get":
      return store.get(operation.key);
    case "has":
      return store.has(operation.key);
    case "delete":
      return store.delete(operation.key);
    case "advance":
      return advance(operation.ms);
    case "sweep":
      return store.sweepExpired();
    case "clear":
      return store.clear();
  }
}

const budgets = fc.integer({ min: 64, max: 4_000 });
const scripts = fc.array(operations, { maxLength: 400, size: "max" });

test("the shared store answers exactly as a Map-based LRU under a byte budget would", () => {
  fc.assert(
    fc.property(budgets, scripts, (budget, script) => {
      const clock = testClock();
      const store = SharedLruStore.create(budget, { now: clock.now });
      const reference = new ReferenceLru(budget, clock.now);
      for (const operation of script) {
        const expected = apply(reference, operation, () => {});
        expect(apply(store, operation, clock.advance)).toEqual(expected);
        expect([store.size, store.bytes]).toEqual([reference.size, reference.bytes]);
      }
    }),
    { numRuns: 300 },
  );
});
