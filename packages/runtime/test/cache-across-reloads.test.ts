// A plugin's cache survives its reloads, is freed when the plugin is removed, and loading or
// removing other plugins never touches it.
import { rmSync } from "node:fs";
import { PluginManager, PluginTrapError } from "@nd/runtime";
import { CACHE_KEY_K, CACHE_STRING_IMPORTS, mbidRequiresCachedK, pluginsFolder, watPlugin, writePlugin, type TestPlugin } from "@nd/testing";
import { afterEach, expect, test } from "vitest";
import { memoryLogger } from "./support/wat-plugins.js";

// GetArtistBiography stores k; GetArtistMBID traps unless k is in the cache.
const remembering = watPlugin(
  `${CACHE_KEY_K}
   (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
     (call $store_k)
     (i64.const 0))
   ${mbidRequiresCachedK(false)}`,
  { imports: CACHE_STRING_IMPORTS },
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
