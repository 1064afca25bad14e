// A plugin's cache survives its reloads, is freed when the plugin is removed, and loading or
// removing other plugins never touches it.
import { rmSync } from "node:fs";
import { PluginManager, PluginTrapError } from "@nd/runtime";
import { pluginsFolder, watPlugin, writePlugin, type TestPlugin } from "@nd/testing";
import { afterEach, expect, test } from "vitest";
import { memoryLogger } from "./support/wat-plugins.js";

// GetArtistBiography stores k=v; GetArtistMBID traps unless k is in the cache.
// SetStringRequest { key: "k", value: "v" } at 512, GetRequest { key: "k" } at 544.
const remembering = watPlugin(
  `(data (i32.const 512) "\\0a\\01k\\12\\01v")
   (data (i32.const 544) "\\0a\\01k")
   (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
     (drop (call $set_string (i32.const 512) (i32.const 6)))
     (i64.const 0))
   (func (export "metadata_agent_get_artist_mbid") (param i32) (param i32) (result i64)
     (local $reply i32)
     (local.set $reply (i32.wrap_i64 (i64.shr_u (call $get_string (i32.const 544) (i32.const 3)) (i64.const 32))))
     ;; GetStringResponse { exists: true, ... } starts with 08 01
     (if (i32.ne (i32.load16_u (local.get $reply)) (i32.const 0x0108)) (then unreachable))
     (i64.const 0))`,
  {
    imports: `(import "env" "set_string" (func $set_string (param i32 i32) (result i64)))
              (import "env" "get_string" (func $get_string (param i32 i32) (result i64)))`,
  },
);

const plugin = (name: string): TestPlugin => ({ name, wasm: remembering, permissions: { cache: {} } });
const folders: string[] = [];
const managers: PluginManager[] = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function startWith(...names: string[]) {
  const folder = pluginsFolder(names.map(plugin));
  folders.push(folder);
  const manager = new PluginManager({ folder, workers: 1, logger: memoryLogger().logger });
  managers.push(manager);
  await manager.start();
  for (const name of names) await manager.call(name, "MetadataAgent", "GetArtistBiography", {});
  return { folder, manager };
}

const remembers = (manager: PluginManager, name: string) => manager.call(name, "MetadataAgent", "GetArtistMBID", {});

test("a reload keeps the plugin's cache", async () => {
  const { manager } = await startWith("kept");
  await manager.reload("kept");
  await manager.reload("kept");
  await expect(remembers(manager, "kept")).resolves.toEqual({ mbid: "" });
});

test("plugins appearing and disappearing leave the others' caches alone; a removed plugin's cache goes with it", async () => {
  const { folder, manager } = await startWith("kept", "removed");
  writePlugin(folder, plugin("added"));
  rmSync(`${folder}/removed`, { recursive: true });
  await manager.rescan();
  expect(manager.list().map((info) => [info.name, info.state])).toEqual([
    ["added", "loaded"],
    ["kept", "loaded"],
  ]);
  await expect(remembers(manager, "kept")).resolves.toEqual({ mbid: "" });

  writePlugin(folder, plugin("removed"));
  await manager.rescan();
  await expect(remembers(manager, "removed")).rejects.toBeInstanceOf(PluginTrapError);
  await expect(remembers(manager, "kept")).resolves.toEqual({ mbid: "" });
});
