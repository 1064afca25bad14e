import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  PermissionError,
  PluginCallError,
  PluginLoadError,
  PluginManager,
  PluginMemoryError,
  PluginNotFoundError,
  PluginNotImplementedError,
  PluginTimeoutError,
  PluginTrapError,
} from "@nd/runtime";
import { afterEach, describe, expect, test } from "vitest";
import { pluginsFolder, watPlugin } from "@nd/testing";
import { countdownBiography, ECHO_BIOGRAPHY, errorAnswer, memoryLogger } from "./support/wat-plugins.js";

const managers: PluginManager[] = [];

async function startManager(folder: string, options: Partial<ConstructorParameters<typeof PluginManager>[0]> = {}) {
  const { logger, lines } = memoryLogger();
  const manager = new PluginManager({ folder, workers: 2, logger, ...options });
  managers.push(manager);
  await manager.start();
  return { manager, lines };
}

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

const echo = watPlugin(
  ECHO_BIOGRAPHY +
    errorAnswer("metadata_agent_get_artist_mbid", "plugin:not_found") +
    errorAnswer("metadata_agent_get_artist_url", "upstream said no", 600) +
    errorAnswer("metadata_agent_get_artist_images", "plugin:not_implemented", 700),
);

const loop = watPlugin(`
  (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
    (loop $forever (br $forever))
    (i64.const 0))`);

/** Counts down long enough to take a noticeable share of a second, then answers an empty biography. */
const slow = watPlugin(countdownBiography(400_000_000));

const trap = watPlugin(`
  (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
    unreachable)`);

describe("folders that are not plugins", () => {
  test("a subfolder without plugin.wasm or manifest.json is left out with one warning saying why, once", async () => {
    const folder = pluginsFolder([{ name: "echo", wasm: echo }]);
    rmSync(join(folder, "echo", "plugin.wasm"));
    mkdirSync(join(folder, "empty"));
    const { manager, lines } = await startManager(folder);
    expect(manager.list()).toEqual([]);
    await manager.rescan();
    expect(lines.filter((line) => line.startsWith("warn: skipping"))).toEqual([
      `warn: skipping ${join(folder, "echo")}: it has no plugin.wasm (not built yet?); a plugin folder holds manifest.json and plugin.wasm`,
      `warn: skipping ${join(folder, "empty")}: it has no plugin.wasm and no manifest.json; a plugin folder holds manifest.json and plugin.wasm`,
    ]);
  });
});

describe("calling plugins", () => {
  test("a loaded plugin answers typed calls through its capability client", async () => {
    const { manager } = await startManager(pluginsFolder([{ name: "echo", wasm: echo }]));
    expect(manager.list()).toMatchObject([{ name: "echo", state: "loaded", capabilities: ["MetadataAgent"] }]);
    const [agent] = manager.metadataAgents();
    expect(agent?.pluginName).toBe("echo");
    await expect(agent!.getArtistBiography({ id: "artist-42", name: "Nina" })).resolves.toEqual({ biography: "artist-42" });
  });

  test("standard and custom plugin errors come back as distinct error types", async () => {
    const { manager } = await startManager(pluginsFolder([{ name: "echo", wasm: echo }]));
    const [agent] = manager.metadataAgents();
    await expect(agent!.getArtistMBID({ name: "x" })).rejects.toBeInstanceOf(PluginNotFoundError);
    await expect(agent!.getArtistImages({})).rejects.toBeInstanceOf(PluginNotImplementedError);
    const custom = agent!.getArtistURL({});
    await expect(custom).rejects.toBeInstanceOf(PluginCallError);
    await expect(custom).rejects.toThrow("upstream said no");
  });

  test("a method the module does not export counts as not implemented", async () => {
    const { manager } = await startManager(pluginsFolder([{ name: "echo", wasm: echo }]));
    await expect(manager.metadataAgents()[0]!.getSimilarArtists({})).rejects.toBeInstanceOf(PluginNotImplementedError);
    await expect(manager.call("echo", "Scrobbler", "Scrobble", {})).rejects.toBeInstanceOf(PluginNotImplementedError);
  });

  test("requests and responses larger than the shared channel still cross intact", async () => {
    const roomy = watPlugin(ECHO_BIOGRAPHY, { memoryPages: 32 });
    const { manager } = await startManager(pluginsFolder([{ name: "roomy", wasm: roomy }]));
    const id = Array.from({ length: 600 * 1024 }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");
    await expect(manager.call("roomy", "MetadataAgent", "GetArtistBiography", { id })).resolves.toEqual({ biography: id });
    await expect(manager.call("roomy", "MetadataAgent", "GetArtistBiography", { id: "small" })).resolves.toEqual({ biography: "small" });
  });

  test("metrics count calls and errors per plugin and method", async () => {
    const { manager } = await startManager(pluginsFolder([{ name: "echo", wasm: echo }]));
    const [agent] = manager.metadataAgents();
    await agent!.getArtistBiography({ id: "a" });
    await agent!.getArtistBiography({ id: "b" });
    await agent!.getArtistMBID({}).catch(() => {});
    const metrics = manager.metrics("echo");
    expect(metrics.find((m) => m.method === "MetadataAgent.GetArtistBiography")).toMatchObject({ calls: 2, errors: 0 });
    expect(metrics.find((m) => m.method === "MetadataAgent.GetArtistMBID")).toMatchObject({ calls: 1, errors: 0, notFound: 1 });
  });
});

describe("options", () => {
  test("an option given as undefined takes its default; a nonsense one is refused, naming it", async () => {
    expect(() => new PluginManager({ folder: "/nowhere", callTimeoutMs: 0 })).toThrow(/option callTimeoutMs must be a whole number of at least 1, got 0/);
    expect(() => new PluginManager({ folder: "/nowhere", workers: 1.5 })).toThrow(RangeError);
    const { manager } = await startManager(pluginsFolder([{ name: "echo", wasm: echo }]), { callTimeoutMs: undefined, maxInstancesPerPlugin: undefined });
    await expect(manager.call("echo", "MetadataAgent", "GetArtistBiography", { id: "fine" })).resolves.toEqual({ biography: "fine" });
  });
});

describe("loading", () => {
  test("a module importing a host function it was not granted fails to load, naming the permission", async () => {
    const wasm = watPlugin(ECHO_BIOGRAPHY, { imports: `(import "env" "get" (func $get (param i32 i32) (result i64)))` });
    const { manager } = await startManager(pluginsFolder([{ name: "sneaky", wasm }]));
    const [info] = manager.list();
    expect(info?.state).toBe("failed");
    expect(info?.error).toBeInstanceOf(PermissionError);
    expect(info?.error?.message).toContain("function not exported in module env");
    expect(info?.error?.message).toContain("env.get of HttpService");
    expect(info?.error?.message).toContain(`add "http": {} to "permissions"`);
  });

  test("every missing permission is named in one error, so the manifest is fixed at once", async () => {
    const imports = ["get", "get_string", "set_string", "send_text"].map((name) => `(import "env" "${name}" (func $${name} (param i32 i32) (result i64)))`).join("\n");
    const wasm = watPlugin(ECHO_BIOGRAPHY, { imports });
    const { manager } = await startManager(pluginsFolder([{ name: "greedy", wasm, permissions: { cache: {} } }, { name: "needy", wasm }]));
    const [greedy, needy] = manager.list();
    expect(greedy?.error).toBeInstanceOf(PermissionError);
    expect(greedy?.error?.message).toBe(
      'imports env.get of HttpService without the "http" permission; env.send_text of WebSocketService without the "websocket" permission ' +
        '(function not exported in module env); add "http": {}, "websocket": {} to "permissions" in manifest.json',
    );
    expect(needy?.error?.message).toContain('env.get_string and env.set_string of CacheService without the "cache" permission;');
    expect(needy?.error?.message).toContain('add "http": {}, "cache": {}, "websocket": {} to "permissions"');
  });

  test("env.call needs the subsonicapi permission, and loads with it", async () => {
    const wasm = watPlugin(ECHO_BIOGRAPHY, { imports: `(import "env" "call" (func $call (param i32 i32) (result i64)))` });
    const { manager } = await startManager(
      pluginsFolder([
        { name: "caller", wasm },
        { name: "granted-caller", wasm, permissions: { subsonicapi: { allowedUsernames: ["nina"] } } },
      ]),
    );
    const [caller, granted] = manager.list();
    expect(caller?.error).toBeInstanceOf(PermissionError);
    expect(caller?.error?.message).toContain("env.call of SubsonicAPIService without the \"subsonicapi\" permission (function not exported in module env)");
    expect(granted?.state).toBe("loaded");
  });

  test("the same import loads once the permission is granted", async () => {
    const wasm = watPlugin(ECHO_BIOGRAPHY, { imports: `(import "env" "get" (func $get (param i32 i32) (result i64)))` });
    const { manager } = await startManager(pluginsFolder([{ name: "granted", wasm, permissions: { http: {} } }]));
    expect(manager.list()[0]?.state).toBe("loaded");
  });

  test("a capability the manifest repeats is listed once and answers", async () => {
    const { manager } = await startManager(
      pluginsFolder([{ name: "twice", wasm: echo, capabilities: ["MetadataAgent", "MetadataAgent"] }]),
    );
    expect(manager.list().map((p) => [p.state, p.capabilities])).toEqual([["loaded", ["MetadataAgent"]]]);
    expect(manager.metadataAgents()).toHaveLength(1);
  });

  test("a broken plugin is reported and skipped while the good ones load", async () => {
    const folder = pluginsFolder([
      { name: "good", wasm: echo },
      { name: "bad-json", wasm: echo, manifest: '{ "name": "bad-json", ' },
      { name: "not-wasm", wasm: new TextEncoder().encode("hello") },
    ]);
    const { manager } = await startManager(folder);
    const states = Object.fromEntries(manager.list().map((p) => [p.name, p.state]));
    expect(states).toEqual({ "bad-json": "failed", good: "loaded", "not-wasm": "failed" });
    const badJson = manager.list().find((p) => p.name === "bad-json")!;
    expect(badJson.error).toBeInstanceOf(PluginLoadError);
    expect(badJson.error?.message).toMatch(/invalid JSON at line 1, column \d+/);
    expect(manager.list().find((p) => p.name === "not-wasm")?.error?.message).toContain("not a valid WebAssembly module");
    await expect(manager.metadataAgents().find((a) => a.pluginName === "good")!.getArtistBiography({ id: "ok" })).resolves.toEqual({ biography: "ok" });
  });

  test("a plugin whose api_version is not 1 is refused", async () => {
    const future2 = watPlugin(ECHO_BIOGRAPHY, { apiVersion: 2 });
    const { manager } = await startManager(pluginsFolder([{ name: "future", wasm: future2 }, { name: "plain", wasm: echo }]));
    const future = manager.list().find((p) => p.name === "future")!;
    expect(future.state).toBe("failed");
    expect(future.error?.message).toContain("metadata_agent_api_version returned 2; this host speaks API version 1");
    expect(manager.list().find((p) => p.name === "plain")?.state).toBe("loaded");
  });

  test("two plugins with the same manifest name: the first folder wins and both paths are named", async () => {
    const folder = pluginsFolder([
      { name: "twin", folderName: "a-twin", wasm: echo },
      { name: "twin", folderName: "b-twin", wasm: echo },
    ]);
    const { manager } = await startManager(folder);
    const [first, second] = manager.list();
    expect(first).toMatchObject({ name: "twin", state: "loaded", folder: join(folder, "a-twin") });
    expect(second).toMatchObject({ name: "twin", state: "failed", folder: join(folder, "b-twin") });
    expect(second?.error?.message).toContain(join(folder, "a-twin"));
    expect(second?.error?.message).toContain(join(folder, "b-twin"));
  });

  test("a declared capability without its api_version export is refused, naming the registration the code lacks", async () => {
    const { manager } = await startManager(pluginsFolder([{ name: "liar", wasm: echo, capabilities: ["MetadataAgent", "Scrobbler"] }]));
    const message = manager.list()[0]?.error?.message;
    expect(message).toContain('declares Scrobbler but does not export the function "scrobbler_api_version"');
    expect(message).toContain("the plugin code never registers a Scrobbler");
    expect(message).toContain("Go: call scrobbler.Register(...)");
    expect(message).toContain('AssemblyScript: export * from "@nd/protocol/assembly/exports/scrobbler" and call registerScrobbler(...)');
  });
});

describe("isolation and limits", () => {
  test("a runaway plugin times out while another plugin keeps answering", async () => {
    const { manager } = await startManager(pluginsFolder([{ name: "echo", wasm: echo }, { name: "loop", wasm: loop }]), {
      callTimeoutMs: 3000,
    });
    const order: string[] = [];
    const runaway = manager.call("loop", "MetadataAgent", "GetArtistBiography", { id: "x" }).catch((error) => {
      order.push("loop");
      return error;
    });
    const answer = await manager.call("echo", "MetadataAgent", "GetArtistBiography", { id: "meanwhile" });
    order.push("echo");
    expect(answer).toEqual({ biography: "meanwhile" });
    expect(await runaway).toBeInstanceOf(PluginTimeoutError);
    expect(order).toEqual(["echo", "loop"]);
    await expect(manager.call("echo", "MetadataAgent", "GetArtistBiography", { id: "after" })).resolves.toEqual({ biography: "after" });
    // the runaway's thread was stopped; another starts only when calls need it
    expect(manager.poolStats()).toMatchObject({ threads: 1, cpuSlots: 2, busy: 0, inHostCalls: 0, queued: 0 });
    const loopMetrics = manager.metrics("loop").find((m) => m.method === "MetadataAgent.GetArtistBiography");
    expect(loopMetrics).toMatchObject({ calls: 1, errors: 1, timeouts: 1 });
  });

  test("calls staged behind a slow one move to a worker that runs out of work", async () => {
    const { manager } = await startManager(pluginsFolder([{ name: "echo", wasm: echo }, { name: "loop", wasm: loop }]), {
      callTimeoutMs: 3000,
    });
    const order: string[] = [];
    const runaway = manager.call("loop", "MetadataAgent", "GetArtistBiography", {}).catch(() => order.push("loop"));
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        manager.call("echo", "MetadataAgent", "GetArtistBiography", { id: `${i}` }).finally(() => order.push("echo")),
      ),
    );
    await runaway;
    expect(answers).toEqual(Array.from({ length: 12 }, (_, i) => ({ biography: `${i}` })));
    expect(order.indexOf("loop")).toBe(12);
    expect(manager.poolStats()).toMatchObject({ busy: 0, queued: 0 });
  });

  test("a call's deadline starts when its worker begins it, not when it was staged", async () => {
    const folder = pluginsFolder([{ name: "slow", wasm: slow }]);
    const { manager: timing } = await startManager(folder, { workers: 1 });
    const started = performance.now();
    await timing.call("slow", "MetadataAgent", "GetArtistBiography", {});
    const oneCallMs = performance.now() - started;
    // Eight calls on one worker: the last waits seven calls, more than twice its own deadline.
    const { manager } = await startManager(folder, { workers: 1, callTimeoutMs: Math.round(3 * oneCallMs) });
    const calls = Array.from({ length: 8 }, () => manager.call("slow", "MetadataAgent", "GetArtistBiography", {}));
    await expect(Promise.all(calls)).resolves.toHaveLength(8);
    expect(manager.metrics("slow")[0]).toMatchObject({ calls: 8, timeouts: 0 });
  });

  test("a trapping plugin surfaces an error and the pool stays usable", async () => {
    const { manager } = await startManager(pluginsFolder([{ name: "echo", wasm: echo }, { name: "trap", wasm: trap }]));
    for (let i = 0; i < 3; i++) {
      await expect(manager.call("trap", "MetadataAgent", "GetArtistBiography", {})).rejects.toBeInstanceOf(PluginTrapError);
      await expect(manager.call("echo", "MetadataAgent", "GetArtistBiography", { id: `${i}` })).resolves.toEqual({ biography: `${i}` });
    }
  });

  test("a pointer outside the plugin's memory is refused, not followed", async () => {
    const wild = watPlugin(`
      (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
        (call $pack (i32.const 0x7ffffff0) (i32.const 64)))`);
    const { manager } = await startManager(pluginsFolder([{ name: "wild", wasm: wild }]));
    const failure = manager.call("wild", "MetadataAgent", "GetArtistBiography", {});
    await expect(failure).rejects.toBeInstanceOf(PluginTrapError);
    await expect(failure).rejects.toThrow("outside its");
  });

  test("garbage bytes instead of a protobuf response are an error, not a crash", async () => {
    const garbage = watPlugin(`
      (data (i32.const 512) "\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff")
      (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
        (call $pack (i32.const 512) (i32.const 11)))`);
    const { manager } = await startManager(pluginsFolder([{ name: "garbage", wasm: garbage }, { name: "echo", wasm: echo }]));
    await expect(manager.call("garbage", "MetadataAgent", "GetArtistBiography", {})).rejects.toThrow("not a valid response");
    await expect(manager.call("echo", "MetadataAgent", "GetArtistBiography", { id: "fine" })).resolves.toEqual({ biography: "fine" });
  });

  test("a memory hog hits the cap", async () => {
    const hog = watPlugin(`
      (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
        (loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
        unreachable)`);
    const { manager } = await startManager(pluginsFolder([{ name: "hog", wasm: hog }]), { memoryLimitBytes: 32 * 1024 * 1024 });
    const failure = manager.call("hog", "MetadataAgent", "GetArtistBiography", {});
    await expect(failure).rejects.toBeInstanceOf(PluginMemoryError);
    await expect(failure).rejects.toThrow("cap 33554432");
  });

  test("a module asking for more initial memory than the cap does not load", async () => {
    const { manager } = await startManager(pluginsFolder([{ name: "big", wasm: echo }]), { memoryLimitBytes: 65536 });
    expect(manager.list()[0]?.error?.message).toContain("asks for 128 KiB of initial memory, above the 64 KiB cap");
  });
});

describe("reload", () => {
  test("calls in flight finish on the old version while new calls reach the new one", async () => {
    const slowAnswer = (text: string) =>
      watPlugin(`
        (data (i32.const 512) "\\0a\\02${text}")
        (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
          (local $i i32)
          (loop $spin (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $spin (i32.lt_u (local.get $i) (i32.const 100000000))))
          (call $pack (i32.const 512) (i32.const 4)))`);
    const folder = pluginsFolder([{ name: "versioned", wasm: slowAnswer("v1") }]);
    const { manager } = await startManager(folder);
    const inFlight = manager.call("versioned", "MetadataAgent", "GetArtistBiography", {});
    writeFileSync(join(folder, "versioned", "plugin.wasm.new"), slowAnswer("v2"));
    renameSync(join(folder, "versioned", "plugin.wasm.new"), join(folder, "versioned", "plugin.wasm"));
    const info = await manager.reload("versioned");
    expect(info.state).toBe("loaded");
    await expect(inFlight).resolves.toEqual({ biography: "v1" });
    await expect(manager.call("versioned", "MetadataAgent", "GetArtistBiography", {})).resolves.toEqual({ biography: "v2" });
  });

  test("reloading a plugin that is now broken keeps the running version and tells why", async () => {
    const folder = pluginsFolder([{ name: "fragile", wasm: echo }]);
    const { manager, lines } = await startManager(folder);
    rmSync(join(folder, "fragile", "plugin.wasm"));
    writeFileSync(join(folder, "fragile", "plugin.wasm"), "broken");
    const info = await manager.reload("fragile");
    expect(info.state).toBe("loaded");
    expect(info.error).toBeInstanceOf(PluginLoadError);
    expect(manager.list()[0]?.error).toBe(info.error);
    expect(lines.join("\n")).toMatch(/plugin fragile: reload failed, version 1\.0\.0 keeps running: /);
    await expect(manager.call("fragile", "MetadataAgent", "GetArtistBiography", { id: "still" })).resolves.toEqual({ biography: "still" });
    writeFileSync(join(folder, "fragile", "plugin.wasm"), echo);
    expect(await manager.reload("fragile")).toMatchObject({ state: "loaded", error: undefined });
  });

  test("reloading a plugin that never loaded leaves it failed with the new reason", async () => {
    const folder = pluginsFolder([{ name: "fragile", wasm: echo }]);
    writeFileSync(join(folder, "fragile", "plugin.wasm"), "broken");
    const { manager } = await startManager(folder);
    expect(manager.list()[0]?.state).toBe("failed");
    expect((await manager.reload("fragile")).state).toBe("failed");
  });
});

describe("metrics", () => {
  test("an error in a response's error field counts as an error, and load checks are not counted", async () => {
    // IsAuthorized's request has `username` as field 2 and its response has `error` as field 2:
    // a plugin answering with its own request turns the username into the response's error.
    const echoScrobbler = watPlugin(
      `(func (export "scrobbler_is_authorized") (param $ptr i32) (param $len i32) (result i64)
         (call $pack (local.get $ptr) (local.get $len)))`,
      { prefixes: ["scrobbler_"] },
    );
    const { manager } = await startManager(
      pluginsFolder([{ name: "echo-scrobbler", wasm: echoScrobbler, capabilities: ["Scrobbler"] }]),
    );
    const [scrobbler] = manager.scrobblers();
    await expect(scrobbler!.isAuthorized({ userId: "", username: "token expired" })).rejects.toThrow("token expired");
    await expect(scrobbler!.isAuthorized({})).resolves.toEqual({ authorized: false, error: "" });
    expect(manager.metrics("echo-scrobbler")).toMatchObject([{ method: "Scrobbler.IsAuthorized", calls: 2, errors: 1 }]);
  });

  test("plugin:not_implemented and plugin:not_found are counted apart, never as errors", async () => {
    // As above: the username comes back as the response's error field.
    const echoScrobbler = watPlugin(
      `(func (export "scrobbler_is_authorized") (param $ptr i32) (param $len i32) (result i64)
         (call $pack (local.get $ptr) (local.get $len)))`,
      { prefixes: ["scrobbler_"] },
    );
    const { manager } = await startManager(
      pluginsFolder([{ name: "echo-scrobbler", wasm: echoScrobbler, capabilities: ["Scrobbler"] }]),
    );
    const [scrobbler] = manager.scrobblers();
    const answers = ["plugin:not_implemented", "plugin:not_found", "plugin:not_found", "token expired"];
    for (const username of answers) await scrobbler!.isAuthorized({ userId: "", username }).catch(() => {});
    await scrobbler!.isAuthorized({});
    expect(manager.metrics("echo-scrobbler")).toMatchObject([
      { method: "Scrobbler.IsAuthorized", calls: 5, errors: 1, timeouts: 0, notImplemented: 1, notFound: 2 },
    ]);
  });
});

describe("host services refusing a plugin", () => {
  test("a plugin whose allowedUrls name an unknown method fails alone", async () => {
    const { manager } = await startManager(
      pluginsFolder([
        { name: "fetcher", wasm: echo, permissions: { http: { allowedUrls: { "https://api.example.com/*": ["FETCH"] } } } },
        { name: "echo", wasm: echo },
      ]),
    );
    const states = Object.fromEntries(manager.list().map((p) => [p.name, p.state]));
    expect(states).toEqual({ echo: "loaded", fetcher: "failed" });
    expect(manager.list().find((p) => p.name === "fetcher")?.error?.message).toContain("FETCH");
  });

  test("a plugin asking for artwork loads on a host without artwork settings", async () => {
    const { manager, lines } = await startManager(pluginsFolder([{ name: "painter", wasm: echo, permissions: { artwork: {} } }]));
    expect(manager.list().map((p) => [p.name, p.state])).toEqual([["painter", "loaded"]]);
    expect(lines.filter((line) => line.includes("http://localhost"))).toHaveLength(1);
  });
});
