import { expect, test } from "vitest";
import { KeyTable, keyHash, tableSlots } from "../src/cache/key-table.js";

function table(slots: number) {
  const header = new Int32Array(1);
  return { header, keys: new KeyTable(new Int32Array(slots), header, 0) };
}

test("the hash is 32-bit FNV-1a over the key bytes", () => {
  expect(keyHash(new Uint8Array()) >>> 0).toBe(0x811c9dc5);
  expect(keyHash(Buffer.from("a")) >>> 0).toBe(0xe40c292c);
  expect(keyHash(Buffer.from("foobar")) >>> 0).toBe(0xbf9cf968);
});

test("a table has room for every item a budget allows, at most half full", () => {
  expect(tableSlots(64)).toBe(8);
  expect(tableSlots(16 * 1024 * 1024)).toBe(2 * 262_144);
  expect(tableSlots(1_000_000)).toBeGreaterThanOrEqual(2 * Math.floor(1_000_000 / 64));
});

test("colliding entries are found past a removed one, whose slot is reused", () => {
  const { header, keys } = table(8);
  const at = (offset: number) => (candidate: number) => candidate === offset;
  for (const offset of [0, 8, 16]) keys.insert(3, offset);
  keys.remove(3, 8);
  expect(header[0]).toBe(1);
  expect(keys.find(3, at(16))).toBe(16);
  expect(keys.find(3, at(8))).toBe(-1);
  keys.insert(3, 24);
  expect(header[0]).toBe(0);
  expect(keys.find(3, at(24))).toBe(24);
});

test("entries and tombstones above three quarters of the slots make the table crowded", () => {
  const { keys } = table(8);
  for (let offset = 0; offset < 6; offset++) keys.insert(offset, offset * 8);
  expect(keys.crowded(6)).toBe(false);
  keys.remove(0, 0);
  expect(keys.crowded(5)).toBe(false);
  expect(keys.crowded(6)).toBe(true);
  keys.clear();
  expect(keys.crowded(6)).toBe(false);
});
