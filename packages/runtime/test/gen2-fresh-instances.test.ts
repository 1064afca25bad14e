import { PluginTimeoutError, checkPluginModuleV2 } from "@nd/runtime";
import { GEN2_ECHO, gen2Plugin, gen2WatPlugin, pluginsFolder, watModule } from "@nd/testing";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { expect, test } from "vitest";
import { OWN_MEMORY_IMPORT, importOwnMemory } from "../src/loading/gen2-memory-import.js";
import { capModule } from "../src/loading/module-caps.js";
import { ModuleCapError } from "../src/loading/wasm-sections.js";
import { startedManagers } from "./support/started-managers.js";

const start = startedManagers();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const caps = { memoryLimitBytes: 16 * 1024 * 1024, maxTableElements: 1000 };

/** Calls one export `times` times, some back to back and some after the worker went idle (when it makes spares). */
async function answers(call: () => Promise<Uint8Array>, times: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < times; i++) {
    seen.push(text(await call()));
    if (i % 2) await sleep(20);
  }
  return seen;
}

// The start function counts in a global and in memory; the export counts in the same global,
// reads a byte no data segment sets, changes a byte a data segment set, then answers
// "<global><start count><untouched byte><data byte>". A fresh instance answers "210a".
const COUNTING_START = `
  (global $calls (mut i32) (i32.const 0))
  (data (i32.const 300) "a")
  (func $boot
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store8 (i32.const 301) (i32.add (i32.load8_u (i32.const 301)) (i32.const 1))))
  (start $boot)
  (func (export "nd_test_count") (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store8 (i32.const 0) (i32.add (i32.const 48) (global.get $calls)))
    (i32.store8 (i32.const 1) (i32.add (i32.const 48) (i32.load8_u (i32.const 301))))
    (i32.store8 (i32.const 2) (i32.add (i32.const 48) (i32.load8_u (i32.const 4096))))
    (i32.store8 (i32.const 4096) (i32.const 7))
    (i32.store8 (i32.const 3) (i32.load8_u (i32.const 300)))
    (i32.store8 (i32.const 300) (i32.const 122))
    (call $output (i32.const 0) (i32.const 4))
    (i32.const 0))`;

test("with a start function that calls no import, every call still sees a fresh instance and a fresh memory", async () => {
  const { manager } = await start(pluginsFolder([gen2Plugin("counter", gen2WatPlugin(COUNTING_START))]));
  const seen = await answers(() => manager.callExport("counter", "nd_test_count"), 8);
  expect(seen).toEqual(Array(8).fill("210a"));
});

test("without a start function too (its spare is made as soon as the worker is idle)", async () => {
  const wasm = gen2WatPlugin(COUNTING_START.replace("(start $boot)", "(func (export \"_initialize\") (call $boot))"));
  const { manager } = await start(pluginsFolder([gen2Plugin("counter", wasm)]));
  const seen = await answers(() => manager.callExport("counter", "nd_test_count"), 8);
  expect(seen).toEqual(Array(8).fill("210a"));
});

test("a plugin made ahead still ends at its deadline when it runs away; its next call gets a fresh instance", async () => {
  const runaway = `${COUNTING_START} (func (export "nd_test_spin") (result i32) (loop $forever (br $forever)) (i32.const 0))`;
  const folder = pluginsFolder([gen2Plugin("counter", gen2WatPlugin(runaway)), gen2Plugin("echo", gen2WatPlugin(GEN2_ECHO("nd_test_echo")))]);
  const { manager } = await start(folder, { callTimeoutMs: 300 });
  expect(await answers(() => manager.callExport("counter", "nd_test_count"), 2)).toEqual(["210a", "210a"]);
  const spinning = expect(manager.callExport("counter", "nd_test_spin")).rejects.toBeInstanceOf(PluginTimeoutError);
  expect(text(await manager.callExport("echo", "nd_test_echo", "still here"))).toBe("still here");
  await spinning;
  expect(await answers(() => manager.callExport("counter", "nd_test_count"), 3)).toEqual(["210a", "210a", "210a"]);
});

test("a start function that calls an import runs in each call's own instance, never ahead of a call", async () => {
  const wasm = gen2WatPlugin(
    `(data (i32.const 512) "booted")
     (func $boot (call $log_info (call $to_block (i32.const 512) (i32.const 6))))
     (start $boot)
     (func (export "nd_test_echo") (result i32)
       (call $output (i32.const 1024) (call $input (i32.const 1024)))
       (i32.const 0))`,
    { imports: `(import "extism:host/env" "log_info" (func $log_info (param i64)))` },
  );
  const { manager, lines } = await start(pluginsFolder([gen2Plugin("booting", wasm)]));
  const seen = await answers(() => manager.callExport("booting", "nd_test_echo", "hi"), 4);
  await sleep(50);
  expect(seen).toEqual(Array(4).fill("hi"));
  // nd_on_init is not exported, so only the four calls made instances: one line each.
  expect(lines.filter((line) => line.includes("booted"))).toHaveLength(4);
});

test("a memory that grew during a call is not given to the next instance", async () => {
  const wasm = gen2WatPlugin(`
    (func (export "nd_test_grow") (result i32)
      (drop (memory.grow (i32.const 1)))
      (i32.store8 (i32.const 0) (i32.add (i32.const 48) (memory.size)))
      (call $output (i32.const 0) (i32.const 1))
      (i32.const 0))`);
  const { manager } = await start(pluginsFolder([gen2Plugin("grower", wasm)]));
  expect(await answers(() => manager.callExport("grower", "nd_test_grow"), 4)).toEqual(Array(4).fill("3"));
});

test("a generation-2 module's own memory becomes nd's import with the same limits; a generation-1 module keeps its own", () => {
  const gen2Module = new WebAssembly.Module(capModule(gen2WatPlugin(""), caps));
  expect(WebAssembly.Module.imports(gen2Module)).toContainEqual({ ...OWN_MEMORY_IMPORT, kind: "memory" });
  expect(WebAssembly.Module.exports(gen2Module)).toContainEqual({ name: "memory", kind: "memory" });
  const gen1 = watModule(`(module (import "env" "get_plugin_config" (func (param i32 i32) (result i64))) (memory (export "memory") 1))`);
  expect(WebAssembly.Module.imports(new WebAssembly.Module(capModule(gen1, caps))).map((entry) => entry.kind)).toEqual(["function"]);
});

test("a module that imports nd's own memory name itself is refused", async () => {
  const wasm = watModule(`(module
    (import "extism:host/env" "alloc" (func (param i64) (result i64)))
    (import "${OWN_MEMORY_IMPORT.module}" "${OWN_MEMORY_IMPORT.name}" (memory 1 100))
    (export "memory" (memory 0))
    (func (export "nd_test") (result i32) (i32.const 0)))`);
  expect(() => importOwnMemory(wasm)).toThrow(ModuleCapError);
  const problems = await checkPluginModuleV2(wasm, { name: "squatter", author: "nd tests", version: "1.0.0" });
  expect(problems).toEqual([`plugin.wasm does not fit the host's caps: the module uses "${OWN_MEMORY_IMPORT.module}", a name nd keeps for itself`]);
});

test("calls whose host calls are answered out of order each go on with their own instance's kernel", async () => {
  // The server answers /<n> after (5 - n) × 15 ms, so the last call made is answered first.
  const server = createServer((request, response) => {
    const n = Number(request.url!.slice(1));
    setTimeout(() => response.end(`reply ${n}`), (5 - n) * 15);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    // Sends its input as http_request's request, then answers the reply's body and, read again after the wait, its input.
    const wasm = gen2WatPlugin(
      `(func (export "nd_test_fetch") (result i32)
        (local $len i32) (local $body i32)
        (local.set $len (call $input (i32.const 1024)))
        (local.set $body (call $from_block
          (call $http_request (call $to_block (i32.const 1024) (local.get $len)) (i64.const 0)) (i32.const 8192)))
        (i32.store8 (i32.add (i32.const 8192) (local.get $body)) (i32.const 32))
        (call $output (i32.const 8192)
          (i32.add (i32.add (local.get $body) (i32.const 1)) (call $input (i32.add (i32.const 8193) (local.get $body)))))
        (i32.const 0))`,
      { imports: `(import "extism:host/env" "http_request" (func $http_request (param i64 i64) (result i64)))` },
    );
    const { manager } = await start(pluginsFolder([gen2Plugin("fetcher", wasm, { http: { requiredHosts: ["127.0.0.1"] } })]));
    const requests = [0, 1, 2, 3, 4].map((n) => JSON.stringify({ url: `http://127.0.0.1:${port}/${n}`, method: "GET" }));
    const answers = await Promise.all(requests.map((request) => manager.callExport("fetcher", "nd_test_fetch", request)));
    expect(answers.map(text)).toEqual(requests.map((request, n) => `reply ${n} ${request}`));
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
