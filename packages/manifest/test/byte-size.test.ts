import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { DEFAULT_KVSTORE_MAX_SIZE, kvStoreMaxSize, ManifestError, parseByteSize } from "../src/index.js";

const seed = { name: "kv", author: "a", version: "1" };

describe("parseByteSize reads sizes as go-humanize does", () => {
  test.each<[string, number]>([
    ["10KB", 10_000],
    ["1MiB", 1_048_576],
    ["1MB", 1_000_000],
    ["1.5 mb", 1_500_000],
    ["42", 42],
    ["42 B", 42],
    ["2k", 2_000],
    ["2Ki", 2_048],
    ["1,000KB", 1_000_000],
    ["1 GiB ", 1_073_741_824],
    [".5KB", 500],
    ["1EB", Number.MAX_SAFE_INTEGER],
  ])("%s = %i bytes", (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  test.each(["", "KB", "lots", " 10KB", "10 XB", "1.2.3MB", "1e3", "-1KB", "Infinity"])("%j is not a size", (text) => {
    expect(parseByteSize(text)).toBeUndefined();
  });

  test("a whole number of bytes with any known unit reads back as that many units", () => {
    const units = { KB: 1e3, KiB: 1024, MB: 1e6, MiB: 2 ** 20, B: 1 };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(...Object.keys(units)), fc.boolean(), (count, unit, spaced) => {
        const text = `${count}${spaced ? " " : ""}${unit}`;
        expect(parseByteSize(text)).toBe(count * units[unit as keyof typeof units]);
        expect(parseByteSize(text.toLowerCase())).toBe(count * units[unit as keyof typeof units]);
      }),
    );
  });

  test("never throws, and answers a whole number of bytes or undefined", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }), (text) => {
        const bytes = parseByteSize(text);
        expect(bytes === undefined || (Number.isSafeInteger(bytes) && bytes >= 0)).toBe(true);
      }),
    );
  });
});

describe("kvStoreMaxSize", () => {
  test("1 MiB when absent or empty, the size otherwise", () => {
    expect(kvStoreMaxSize(seed)).toBe(DEFAULT_KVSTORE_MAX_SIZE);
    expect(kvStoreMaxSize({ ...seed, permissions: { kvstore: {} } })).toBe(1_048_576);
    expect(kvStoreMaxSize({ ...seed, permissions: { kvstore: { maxSize: "" } } })).toBe(1_048_576);
    expect(kvStoreMaxSize({ ...seed, permissions: { kvstore: { maxSize: "10KB" } } })).toBe(10_000);
  });

  test("a ManifestError for text that is not a size", () => {
    const read = () => kvStoreMaxSize({ ...seed, permissions: { kvstore: { maxSize: "ten" } } });
    expect(read).toThrow(ManifestError);
    expect(read).toThrow('permissions.kvstore.maxSize must be a size such as "10KB" (10 000 bytes) or "1MiB" (1 048 576 bytes); got "ten"');
  });
});
