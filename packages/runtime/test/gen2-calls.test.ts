import {
  checkPluginModuleV2,
  PermissionError,
  PluginCallError,
  PluginLoadError,
  PluginNotFoundError,
  PluginNotImplementedError,
} from "@nd/runtime";
import { GEN2_ECHO, gen2Plugin, gen2WatPlugin, pluginsFolder, watModule } from "@nd/testing";
import { describe, expect, test } from "vitest";
import { startedManagers } from "./support/started-managers.js";

const start = startedManagers();

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** An export answering `code` after setting `error` as its error text when given. */
function answers(exportName: string, code: number, error?: string): string {
  return `
  (data (i32.const 512) "${error ?? ""}")
  (func (export "${exportName}") (result i32)
    ${error === undefined ? "" : `(call $fail (i32.const 512) (i32.const ${error.length}))`}
    (i32.const ${code}))`;
}

describe("loading", () => {
  test("a module importing extism:host/env is generation 2: its ID is its folder's name, its capabilities come from its exports", async () => {
    const wasm = gen2WatPlugin(GEN2_ECHO("nd_get_artist_biography") + GEN2_ECHO("nd_test_echo"));
    const { manager } = await start(pluginsFolder([gen2Plugin("echo-agent", wasm)]));
    const [info] = manager.list();
    expect(info).toMatchObject({
      generation: 2,
      id: "echo-agent",
      name: "echo-agent (display)",
      state: "loaded",
      capabilities: ["MetadataAgent"],
    });
  });

  test("a module of neither generation is refused, saying what it found", async () => {
    const bare = watModule(`(module (memory (export "memory") 1) (func (export "run")))`);
    const { manager } = await start(pluginsFolder([{ name: "bare", wasm: bare }]));
    expect(manager.list()[0]?.error).toBeInstanceOf(PluginLoadError);
    expect(manager.list()[0]?.error?.message).toMatch(/neither a generation-1 plugin .* exports memory, run/);
  });

  test("importing a host function of a service not granted fails the load, naming the import, the service and the permission", async () => {
    const wasm = gen2WatPlugin(GEN2_ECHO("nd_test"), {
      imports: `(import "extism:host/user" "kvstore_get" (func $kvstore_get (param i64) (result i64)))`,
    });
    const { manager } = await start(pluginsFolder([gen2Plugin("greedy", wasm)]));
    const error = manager.list()[0]?.error;
    expect(error).toBeInstanceOf(PermissionError);
    expect(error?.message).toContain("extism:host/user.kvstore_get");
    expect(error?.message).toContain("kvstore service");
    expect(error?.message).toContain('"kvstore" permission');
    expect(error?.message).toContain("function not exported in module extism:host/user");
  });

  test("config values that do not match the manifest's config.schema fail the load, naming the field; matching ones load", async () => {
    const wasm = gen2WatPlugin(GEN2_ECHO("nd_test_echo"));
    const form = { config: { schema: { type: "object", properties: { retries: { type: "integer" } }, required: ["retries"] } } };
    const folder = pluginsFolder([gen2Plugin("strict", wasm, {}, form), gen2Plugin("fine", wasm, {}, form)]);
    const { manager } = await start(folder, {
      pluginConfig: { strict: { retries: "many" }, fine: { retries: "3" } },
      pluginConfigValues: { strict: { retries: "many" }, fine: { retries: 3 } },
    });
    const states = Object.fromEntries(manager.list().map((info) => [info.id, info]));
    expect(states.fine).toMatchObject({ state: "loaded" });
    expect(states.strict).toMatchObject({ state: "failed", error: { kind: "PluginLoadError" } });
    expect(states.strict!.error!.message).toMatch(/config does not match the plugin's config\.schema: \/retries: /);
  });

  test("importing a function the kernel does not have fails the load", async () => {
    const wasm = gen2WatPlugin(GEN2_ECHO("nd_test"), {
      imports: `(import "extism:host/env" "teleport" (func $teleport (param i64) (result i64)))`,
    });
    const { manager } = await start(pluginsFolder([gen2Plugin("odd-kernel", wasm)]));
    expect(manager.list()[0]?.error?.message).toContain("extism:host/env.teleport, which is not a function of the Extism kernel");
  });
});

test("a kernel or host function imported with another signature fails the load, naming both", async () => {
  const kernel = gen2WatPlugin(GEN2_ECHO("nd_test"), {
    imports: `(import "extism:host/env" "var_get" (func $var_get (param i32) (result i64)))`,
  });
  const user = gen2WatPlugin(GEN2_ECHO("nd_test"), {
    imports: `(import "extism:host/user" "config_get" (func $config_get (param i64 i64) (result i64)))`,
  });
  const { manager } = await start(pluginsFolder([gen2Plugin("kernel-sig", kernel), gen2Plugin("user-sig", user)]));
  const [first, second] = manager.list();
  expect(first?.error?.message).toContain("imports extism:host/env.var_get as (i32) -> i64, but the host's is (i64) -> i64");
  expect(second?.error?.message).toContain("imports extism:host/user.config_get as (i64, i64) -> i64, but the host's is (i64) -> i64");
});

test("checkPluginModuleV2 finds what loading would refuse, without running the plugin", async () => {
  const manifest = { name: "checked", author: "me", version: "1.0.0" };
  const greedy = gen2WatPlugin(GEN2_ECHO("nd_scheduler_callback"), {
    imports: `(import "extism:host/user" "kvstore_get" (func $kvstore_get (param i64) (result i64)))`,
  });
  const problems = await checkPluginModuleV2(greedy, manifest);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toContain('without the "kvstore" permission');
  expect(await checkPluginModuleV2(greedy, { ...manifest, permissions: { kvstore: {} } })).toEqual([]);
  expect(await checkPluginModuleV2(watModule(`(module (memory (export "memory") 1))`), manifest)).toEqual([
    expect.stringContaining("neither a generation-1 plugin"),
  ]);
});

describe("the kernel", () => {
  test("variables live for one call; u64 loads and stores are little-endian; error_get and input_offset answer", async () => {
    const wasm = gen2WatPlugin(
      `(data (i32.const 512) "key")
       (func (export "nd_test_vars") (result i32)
         (local $key i64) (local $value i64) (local $seen i64)
         (local.set $key (call $to_block (i32.const 512) (i32.const 3)))
         (local.set $seen (call $var_get (local.get $key)))
         (local.set $value (call $alloc (i64.const 8)))
         (call $store_u64 (local.get $value) (i64.const 0x0102030405060708))
         (call $var_set (local.get $key) (local.get $value))
         ;; byte 0 of a little-endian u64 is its lowest
         (if (i32.ne (call $load_u8 (local.get $value)) (i32.const 8)) (then (return (i32.const 3))))
         (if (i64.ne (call $load_u64 (call $var_get (local.get $key))) (i64.const 0x0102030405060708)) (then (return (i32.const 4))))
         (if (i64.ne (call $error_get) (i64.const 0)) (then (return (i32.const 5))))
         (if (i64.ne (call $length (call $input_offset)) (call $input_length)) (then (return (i32.const 6))))
         (i32.wrap_i64 (local.get $seen)))`,
      {
        imports: `(import "extism:host/env" "var_get" (func $var_get (param i64) (result i64)))
          (import "extism:host/env" "var_set" (func $var_set (param i64 i64)))
          (import "extism:host/env" "load_u64" (func $load_u64 (param i64) (result i64)))
          (import "extism:host/env" "store_u64" (func $store_u64 (param i64 i64)))
          (import "extism:host/env" "error_get" (func $error_get (result i64)))
          (import "extism:host/env" "input_offset" (func $input_offset (result i64)))`,
      },
    );
    const { manager } = await start(pluginsFolder([gen2Plugin("vars", wasm)]));
    // A variable set by the first call is gone for the second: var_get answers 0, the call returns 0.
    for (let i = 0; i < 2; i++) expect(await manager.callExport("vars", "nd_test_vars", "some input")).toEqual(new Uint8Array());
  });

  test.each([
    ["a handle far past every block", `(drop (call $load_u8 (i64.const 0x7fff000000001234)))`, "outside its blocks"],
    ["a negative handle", `(call $store_u8 (i64.const -1) (i32.const 1))`, "outside its blocks"],
    ["8 bytes that run past the end of a block", `(drop (call $load_u64 (i64.add (call $alloc (i64.const 8)) (i64.const 1))))`, "outside its blocks"],
    ["the length of a wild handle", `(drop (call $length (i64.const 0x100000000)))`, undefined],
    ["input past its end", `(drop (call $input_load_u64 (i64.sub (call $input_length) (i64.const 7))))`, "past its 10 bytes"],
  ])("%s: the call traps with what was wrong, or answers 0", async (_what, access, problem) => {
    const wasm = gen2WatPlugin(`(func (export "nd_test_wild") (result i32) ${access} (i32.const 0))`, {
      imports: `(import "extism:host/env" "load_u64" (func $load_u64 (param i64) (result i64)))
        (import "extism:host/env" "input_load_u64" (func $input_load_u64 (param i64) (result i64)))`,
    });
    const { manager } = await start(pluginsFolder([gen2Plugin("wild", wasm)]));
    const call = manager.callExport("wild", "nd_test_wild", "some input");
    if (problem) await expect(call).rejects.toThrow(problem);
    else expect(await call).toEqual(new Uint8Array());
  });

  test("variables past 1 MiB trap the call", async () => {
    const wasm = gen2WatPlugin(
      `(data (i32.const 512) "k0")
       (func (export "nd_test_hog") (result i32)
         (local $i i32)
         (loop $more
           (i32.store8 (i32.const 513) (i32.add (i32.const 48) (local.get $i)))
           (call $var_set (call $to_block (i32.const 512) (i32.const 2)) (call $alloc (i64.const 300000)))
           (local.set $i (i32.add (local.get $i) (i32.const 1)))
           (br_if $more (i32.lt_u (local.get $i) (i32.const 5))))
         (i32.const 0))`,
      { imports: `(import "extism:host/env" "var_set" (func $var_set (param i64 i64)))` },
    );
    const { manager } = await start(pluginsFolder([gen2Plugin("hog", wasm)]));
    await expect(manager.callExport("hog", "nd_test_hog")).rejects.toThrow("variables would pass 1048576 bytes");
  });
});

describe("calls", () => {
  test("callExport gives the input and answers the output", async () => {
    const { manager } = await start(pluginsFolder([gen2Plugin("echo", gen2WatPlugin(GEN2_ECHO("nd_test_echo")))]));
    expect(text(await manager.callExport("echo", "nd_test_echo", '{"hello":"world"}'))).toBe('{"hello":"world"}');
    expect(text(await manager.callExport("echo", "nd_test_echo", new Uint8Array()))).toBe("");
  });

  test("an error text wins over the return code, even 0", async () => {
    const wasm = gen2WatPlugin(answers("nd_test_fail", 0, "it broke"));
    const { manager } = await start(pluginsFolder([gen2Plugin("failing", wasm)]));
    const call = manager.callExport("failing", "nd_test_fail", "{}");
    await expect(call).rejects.toBeInstanceOf(PluginCallError);
    await expect(call).rejects.toThrow("plugin call failed: it broke");
  });

  test("return code -2 is PluginNotImplementedError and is left out of the metrics; others are failures with the code", async () => {
    const wasm = gen2WatPlugin(answers("nd_test_unimplemented", -2) + answers("nd_test_one", 1) + answers("nd_test_minus_one", -1));
    const { manager } = await start(pluginsFolder([gen2Plugin("codes", wasm)]));
    await expect(manager.callExport("codes", "nd_test_unimplemented")).rejects.toBeInstanceOf(PluginNotImplementedError);
    await expect(manager.callExport("codes", "nd_test_one")).rejects.toThrow("plugin call exited with code 1");
    await expect(manager.callExport("codes", "nd_test_minus_one")).rejects.toThrow("plugin call exited with code 4294967295");
    const methods = manager.metrics("codes").map((m) => m.method).sort();
    expect(methods).toEqual(["nd_test_minus_one", "nd_test_one"]);
  });

  test("a missing export is PluginNotFoundError", async () => {
    const { manager } = await start(pluginsFolder([gen2Plugin("small", gen2WatPlugin(GEN2_ECHO("nd_test_echo")))]));
    await expect(manager.callExport("small", "nd_get_artist_mbid", "{}")).rejects.toBeInstanceOf(PluginNotFoundError);
    expect(manager.metrics("small")).toEqual([]);
  });

  test("every call gets a fresh instance whose _initialize runs before the export", async () => {
    const wasm = gen2WatPlugin(`
      (global $calls (mut i32) (i32.const 0))
      (func (export "_initialize") (global.set $calls (i32.add (global.get $calls) (i32.const 1))))
      (func (export "nd_test_count") (result i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (i32.store8 (i32.const 0) (i32.add (i32.const 48) (global.get $calls)))
        (call $output (i32.const 0) (i32.const 1))
        (i32.const 0))`);
    const { manager } = await start(pluginsFolder([gen2Plugin("counter", wasm)]));
    for (let i = 0; i < 3; i++) expect(text(await manager.callExport("counter", "nd_test_count"))).toBe("2");
  });

  test("the kernel's config_get reads the plugin's config by ID; an empty value reads as absent", async () => {
    const wasm = gen2WatPlugin(
      `(func (export "nd_test_config") (result i32)
        (local $value i64)
        (local.set $value (call $config_get (call $to_block (i32.const 1024) (call $input (i32.const 1024)))))
        (if (i64.eqz (local.get $value)) (then (return (i32.const 1))))
        (call $output (i32.const 2048) (call $from_block (local.get $value) (i32.const 2048)))
        (i32.const 0))`,
      { imports: `(import "extism:host/env" "config_get" (func $config_get (param i64) (result i64)))` },
    );
    const pluginConfig = { configured: { apikey: "s3cret", empty: "" } };
    const { manager, lines } = await start(pluginsFolder([gen2Plugin("configured", wasm)]), { pluginConfig });
    expect(text(await manager.callExport("configured", "nd_test_config", "apikey"))).toBe("s3cret");
    expect(lines.some((line) => line.startsWith("warn: plugin configured: the plugin has no configurable options"))).toBe(true);
    await expect(manager.callExport("configured", "nd_test_config", "empty")).rejects.toThrow("exited with code 1");
    await expect(manager.callExport("configured", "nd_test_config", "constructor")).rejects.toThrow("exited with code 1");
  });

  test("kernel logs reach the host's logger at their level, tagged with the plugin ID; those below the level are dropped", async () => {
    const wasm = gen2WatPlugin(
      `(data (i32.const 512) "hello from the plugin")
       (data (i32.const 600) "debug detail")
       (func (export "nd_test_log") (result i32)
        (call $log_warn (call $to_block (i32.const 512) (i32.const 21)))
        (call $log_debug (call $to_block (i32.const 600) (i32.const 12)))
        (i32.const 0))`,
      {
        imports: `(import "extism:host/env" "log_warn" (func $log_warn (param i64)))
          (import "extism:host/env" "log_debug" (func $log_debug (param i64)))`,
      },
    );
    const { manager, lines } = await start(pluginsFolder([gen2Plugin("chatty", wasm)]));
    await manager.callExport("chatty", "nd_test_log");
    expect(lines).toContain("warn: [chatty] hello from the plugin");
    expect(lines.some((line) => line.includes("debug detail"))).toBe(false);
  });

  test("nd_on_init runs at load; its failure is kept and the plugin stays loaded", async () => {
    const wasm = gen2WatPlugin(answers("nd_on_init", 1, "no api key") + GEN2_ECHO("nd_test_echo"));
    const { manager } = await start(pluginsFolder([gen2Plugin("needs-key", wasm)]));
    const [info] = manager.list();
    expect(info?.state).toBe("loaded");
    expect(info?.initError?.message).toContain("no api key");
    expect(text(await manager.callExport("needs-key", "nd_test_echo", "ok"))).toBe("ok");
  });
});
