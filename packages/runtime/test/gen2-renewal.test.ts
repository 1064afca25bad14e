import { gen2Plugin, gen2WatPlugin, goAvailableFor, pluginsFolder, watModule } from "@nd/testing";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect, test } from "vitest";
import { GLOBAL_EXPORT_PREFIX, RENEWABLE_SECTION } from "../src/loading/gen2-renewal.js";
import { capModule } from "../src/loading/module-caps.js";
import { ModuleCapError } from "../src/loading/wasm-sections.js";
import { startedManagers } from "./support/started-managers.js";

const start = startedManagers();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const caps = { memoryLimitBytes: 64 * 1024 * 1024, maxTableElements: 100_000 };

function capped(wasm: Uint8Array): WebAssembly.Module {
  return new WebAssembly.Module(capModule(wasm, caps));
}

const isRenewable = (module: WebAssembly.Module) => WebAssembly.Module.customSections(module, RENEWABLE_SECTION).length > 0;
const ndExports = (module: WebAssembly.Module) => WebAssembly.Module.exports(module).filter((entry) => entry.name.startsWith("nd:"));

/** Calls back to back and after pauses (when the worker is idle), `times` in all. */
async function answers(call: () => Promise<Uint8Array>, times: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < times; i++) {
    seen.push(text(await call()));
    if (i % 3 === 2) await sleep(20);
  }
  return seen;
}

test("a module whose state is only its memory and globals is marked renewable, its mutable globals exported", () => {
  const module = capped(
    gen2WatPlugin(`
      (global $count (mut i32) (i32.const 0))
      (global $total (mut i64) (i64.const 7))
      (global $fixed i32 (i32.const 3))
      (func (export "nd_test") (result i32) (global.set $count (i32.const 1)) (i32.const 0))`),
  );
  expect(isRenewable(module)).toBe(true);
  expect(ndExports(module)).toEqual([
    { name: `${GLOBAL_EXPORT_PREFIX}0`, kind: "global" },
    { name: `${GLOBAL_EXPORT_PREFIX}1`, kind: "global" },
  ]);
});

test.each([
  ["sets a table entry", `(table 2 funcref) (elem declare func $f) (func $f) (func (export "nd_test") (result i32) (table.set (i32.const 0) (ref.func $f)) (i32.const 0))`],
  ["grows a table", `(table 1 funcref) (func (export "nd_test") (result i32) (drop (table.grow (ref.null func) (i32.const 1))) (i32.const 0))`],
  ["drops a data segment", `(data "x") (func (export "nd_test") (result i32) (data.drop 0) (i32.const 0))`],
  ["drops an element segment", `(table 1 funcref) (elem func $f) (func $f) (func (export "nd_test") (result i32) (elem.drop 0) (i32.const 0))`],
  ["uses an instruction nd does not read (SIMD)", `(func (export "nd_test") (result i32) (drop (v128.const i32x4 0 0 0 0)) (i32.const 0))`],
])("a module whose code %s is not renewable", (_what, body) => {
  const module = capped(gen2WatPlugin(body));
  expect(isRenewable(module)).toBe(false);
  expect(ndExports(module)).toEqual([]);
});

test("a module with more mutable globals than nd writes back after each call is not renewable", () => {
  const globals = Array.from({ length: 1025 }, (_, i) => `(global $g${i} (mut i32) (i32.const ${i}))`).join(" ");
  expect(isRenewable(capped(gen2WatPlugin(`${globals} (func (export "nd_test") (result i32) (i32.const 0))`)))).toBe(false);
});

test("a module that uses nd's renewal names itself is refused", () => {
  const squatter = gen2WatPlugin(`(global $g (mut i32) (i32.const 0)) (export "${GLOBAL_EXPORT_PREFIX}0" (global $g))`);
  expect(() => capModule(squatter, caps)).toThrow(ModuleCapError);
});

test("a custom section whose name claims more bytes than the module has is refused as truncated, before anything is allocated", () => {
  const claimsFourGiB = Uint8Array.of(0x00, 0x06, 0xf0, 0xff, 0xff, 0xff, 0x0f, 0x61);
  const wasm = new Uint8Array([...gen2WatPlugin(""), ...claimsFourGiB]);
  expect(() => capModule(wasm, caps)).toThrow(new ModuleCapError("truncated module"));
});

test("a generation-1 module is never marked", () => {
  const gen1 = watModule(`(module (import "env" "get_plugin_config" (func (param i32 i32) (result i64))) (memory (export "memory") 1) (global (mut i32) (i32.const 0)))`);
  expect(isRenewable(capped(gen1))).toBe(false);
});

test("the workspace's generation-2 examples, AssemblyScript and Go, are read through and renewable", () => {
  const examples = ["as-gen2-lyrics", ...(goAvailableFor("reading go-gen2-agent's code") ? ["go-gen2-agent"] : [])];
  for (const example of examples) {
    const wasm = readFileSync(join(__dirname, "../../../examples", example, "plugin.wasm"));
    expect(isRenewable(capped(wasm)), example).toBe(true);
  }
});

// Counts in a global, in a byte a data segment set and in a byte none set, and answers the
// three counts: a fresh instance answers "111" every time.
const COUNTER = `
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 300) "0")
  (func (export "nd_test_count") (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store8 (i32.const 300) (i32.add (i32.load8_u (i32.const 300)) (i32.const 1)))
    (i32.store8 (i32.const 4096) (i32.add (i32.load8_u (i32.const 4096)) (i32.const 1)))
    (i32.store8 (i32.const 0) (i32.add (i32.const 48) (global.get $calls)))
    (i32.store8 (i32.const 1) (i32.load8_u (i32.const 300)))
    (i32.store8 (i32.const 2) (i32.add (i32.const 48) (i32.load8_u (i32.const 4096))))
    (call $output (i32.const 0) (i32.const 3))
    (i32.const 0))`;

test("a renewed instance answers as a fresh one, after calls that succeeded, failed or trapped", async () => {
  const wasm = gen2WatPlugin(`${COUNTER}
    (func (export "nd_test_fail") (result i32)
      (global.set $calls (i32.const 40))
      (i32.store8 (i32.const 4096) (i32.const 40))
      (call $fail (i32.const 300) (i32.const 1))
      (i32.const 1))
    (func (export "nd_test_trap") (result i32)
      (global.set $calls (i32.const 40))
      (i32.store8 (i32.const 300) (i32.const 90))
      (unreachable))`);
  const { manager } = await start(pluginsFolder([gen2Plugin("counter", wasm)]));
  const count = () => manager.callExport("counter", "nd_test_count");
  expect(await answers(count, 6)).toEqual(Array(6).fill("111"));
  await expect(manager.callExport("counter", "nd_test_fail")).rejects.toThrow("plugin call failed: 0");
  expect(await answers(count, 2)).toEqual(["111", "111"]);
  await expect(manager.callExport("counter", "nd_test_trap")).rejects.toThrow(/unreachable/);
  expect(await answers(count, 2)).toEqual(["111", "111"]);
});

test("a module that keeps state in a table still gets a fresh instance every call", async () => {
  // nd_test_swap answers which function the table's slot 0 holds, then puts the other there.
  const wasm = gen2WatPlugin(`
    (type $answer (func (result i32)))
    (table 1 funcref)
    (elem (i32.const 0) $a)
    (elem declare func $b)
    (func $a (result i32) (i32.const 97))
    (func $b (result i32) (i32.const 98))
    (func (export "nd_test_swap") (result i32)
      (i32.store8 (i32.const 0) (call_indirect (type $answer) (i32.const 0)))
      (table.set (i32.const 0) (ref.func $b))
      (call $output (i32.const 0) (i32.const 1))
      (i32.const 0))`);
  const { manager } = await start(pluginsFolder([gen2Plugin("swapper", wasm)]));
  expect(await answers(() => manager.callExport("swapper", "nd_test_swap"), 6)).toEqual(Array(6).fill("a"));
});

test("calls of one plugin waiting in host calls at once each get their own instance, renewed or fresh", async () => {
  const server = createServer((_request, response) => setTimeout(() => response.end("ok"), 10));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const request = JSON.stringify({ url: `http://127.0.0.1:${port}/`, method: "GET" });
    // Counts as COUNTER does, waits in an HTTP request (its JSON at 8192), then counts again: a fresh instance answers "222".
    const wasm = gen2WatPlugin(
      `${COUNTER.replace('(func (export "nd_test_count")', "(func $count")}
       (data (i32.const 8192) "${request.replaceAll('"', '\\"')}")
       (func (export "nd_test_wait") (result i32)
         (drop (call $count))
         (drop (call $http_request (call $to_block (i32.const 8192) (i32.const ${request.length})) (i64.const 0)))
         (call $count))`,
      { imports: `(import "extism:host/env" "http_request" (func $http_request (param i64 i64) (result i64)))` },
    );
    const { manager } = await start(pluginsFolder([gen2Plugin("waiter", wasm, { http: { requiredHosts: ["127.0.0.1"] } })]), {
      maxInstancesPerPlugin: 6,
    });
    for (let round = 0; round < 3; round++) {
      const seen = await Promise.all(Array.from({ length: 6 }, () => manager.callExport("waiter", "nd_test_wait")));
      expect(seen.map(text)).toEqual(Array(6).fill("222"));
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
