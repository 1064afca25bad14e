import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PluginManager, PluginTrapError } from "@nd/runtime";
import { afterEach, expect, test } from "vitest";
import { pluginsFolder, watPlugin } from "@nd/testing";
import { memoryLogger } from "./support/wat-plugins.js";

const asEcho = readFileSync(join(__dirname, "../../../examples/as-echo/plugin.wasm"));
const managers: PluginManager[] = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function start(folder: string) {
  const { logger, lines } = memoryLogger();
  const manager = new PluginManager({ folder, workers: 2, logger });
  managers.push(manager);
  await manager.start();
  return { manager, lines };
}

test("a compiled AssemblyScript plugin calls the cache host service from its worker", async () => {
  const folder = pluginsFolder([{ name: "as-echo", wasm: asEcho, permissions: { cache: {} } }]);
  const { manager } = await start(folder);
  const [agent] = manager.metadataAgents();
  const first = await agent!.getArtistImages({ name: "Nina" });
  expect(first.images).toEqual([{ url: "https://images.example/Nina", size: 300 }]);
  const again = await agent!.getArtistImages({ name: "Nina" });
  expect(again).toEqual(first);
});

test("each plugin's cache is its own", async () => {
  const folder = pluginsFolder([
    { name: "one", wasm: asEcho, permissions: { cache: {} } },
    { name: "two", wasm: asEcho, permissions: { cache: {} } },
  ]);
  const { manager } = await start(folder);
  for (const agent of manager.metadataAgents()) {
    await expect(agent.getArtistImages({ name: agent.pluginName })).resolves.toMatchObject({
      images: [{ url: `https://images.example/${agent.pluginName}` }],
    });
  }
});

test("a host call with a pointer outside the plugin's memory stops the call, not the host", async () => {
  const wild = watPlugin(
    `(func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
       (call $get_string (i32.const 0x7fff0000) (i32.const 4096)))`,
    { imports: `(import "env" "get_string" (func $get_string (param i32 i32) (result i64)))` },
  );
  const { manager } = await start(pluginsFolder([{ name: "wild", wasm: wild, permissions: { cache: {} } }]));
  const failure = manager.call("wild", "MetadataAgent", "GetArtistBiography", {});
  await expect(failure).rejects.toBeInstanceOf(PluginTrapError);
  await expect(failure).rejects.toThrow("outside its");
});

test("garbage sent to a host function is refused with an error", async () => {
  const garbage = watPlugin(
    `(data (i32.const 512) "\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff")
     (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
       (call $get_string (i32.const 512) (i32.const 11)))`,
    { imports: `(import "env" "get_string" (func $get_string (param i32 i32) (result i64)))` },
  );
  const { manager } = await start(pluginsFolder([{ name: "garbage", wasm: garbage, permissions: { cache: {} } }]));
  await expect(manager.call("garbage", "MetadataAgent", "GetArtistBiography", {})).rejects.toThrow("env.get_string failed");
});

test("host calls whose request or reply is larger than the shared channel still cross intact", async () => {
  const { manager } = await start(pluginsFolder([{ name: "as-echo", wasm: asEcho, permissions: { cache: {} } }]));
  const [agent] = manager.metadataAgents();
  const name = "n".repeat(400 * 1024);
  // First call: set_string carries the 400 KiB URL to the host; second: get_string brings it back.
  const first = await agent!.getArtistImages({ name });
  const second = await agent!.getArtistImages({ name });
  expect(first.images[0]?.url).toBe(`https://images.example/${name}`);
  expect(second).toEqual(first);
});
