import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readAnyNdp, writeNdp } from "@nd/ndp";
import { PluginManager } from "@nd/runtime";
import { GEN2_ECHO, gen2WatPlugin, pluginsFolder, watPlugin } from "@nd/testing";
import { afterEach, expect, test } from "vitest";
import { memoryLogger } from "./support/wat-plugins.js";

const managers: PluginManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function start(folder: string) {
  const { logger, lines } = memoryLogger();
  const manager = new PluginManager({ folder, workers: 1, logger, readPackage: readAnyNdp });
  managers.push(manager);
  await manager.start();
  return { manager, lines };
}

const manifest = { name: "Packaged echo", author: "nd tests", version: "2.0.0" };

test("a <id>.ndp file in the plugins folder is read in place: its ID is the file name, the manifest name is for display", async () => {
  const folder = pluginsFolder([]);
  const wasm = gen2WatPlugin(GEN2_ECHO("nd_test_echo"));
  writeFileSync(join(folder, "packaged.ndp"), await writeNdp({ manifest, wasm }));
  const { manager } = await start(folder);
  expect(manager.list()).toEqual([
    expect.objectContaining({ id: "packaged", name: "Packaged echo", generation: 2, state: "loaded", folder: join(folder, "packaged.ndp") }),
  ]);
  expect(new TextDecoder().decode(await manager.callExport("packaged", "nd_test_echo", "in place"))).toBe("in place");
});

test("a package with a broken manifest fails alone; the suffix is case-sensitive", async () => {
  const folder = pluginsFolder([]);
  const wasm = gen2WatPlugin(GEN2_ECHO("nd_test_echo"));
  writeFileSync(join(folder, "broken.ndp"), await writeNdp({ manifest: '{"name":"x"}', wasm }).catch(() => new Uint8Array([1, 2, 3])));
  writeFileSync(join(folder, "ignored.NDP"), await writeNdp({ manifest, wasm }));
  writeFileSync(join(folder, "good.ndp"), await writeNdp({ manifest, wasm }));
  const { manager } = await start(folder);
  const states = Object.fromEntries(manager.list().map((info) => [info.id, info.state]));
  expect(states).toEqual({ broken: "failed", good: "loaded" });
});

test("a generation-1 module in a package is refused: generation-1 plugins are folders", async () => {
  const folder = pluginsFolder([]);
  const gen1 = { ...manifest, description: "gen 1", capabilities: ["MetadataAgent"], permissions: {} };
  writeFileSync(join(folder, "old.ndp"), await writeNdp({ manifest: gen1, wasm: watPlugin("") }));
  const { manager } = await start(folder);
  expect(manager.list()[0]?.error?.message).toContain("generation-1 plugins are installed as folders");
});

test("reload by ID picks up a changed package; a folder and a package with one ID: the first in path order wins", async () => {
  const folder = pluginsFolder([]);
  const answer = (text: string) =>
    gen2WatPlugin(`(data (i32.const 512) "${text}") (func (export "nd_test_say") (result i32) (call $output (i32.const 512) (i32.const ${text.length})) (i32.const 0))`);
  writeFileSync(join(folder, "talker.ndp"), await writeNdp({ manifest, wasm: answer("first") }));
  const { manager } = await start(folder);
  const say = async () => new TextDecoder().decode(await manager.callExport("talker", "nd_test_say"));
  expect(await say()).toBe("first");
  writeFileSync(join(folder, "talker.ndp"), await writeNdp({ manifest, wasm: answer("second") }));
  await expect(manager.reload("talker")).resolves.toMatchObject({ id: "talker", state: "loaded" });
  expect(await say()).toBe("second");

  const twins = pluginsFolder([{ name: "twin", wasm: answer("folder"), manifest }]);
  writeFileSync(join(twins, "twin.ndp"), await writeNdp({ manifest, wasm: answer("package") }));
  const { manager: second } = await start(twins);
  expect(second.list().map(({ folder: path, state }) => ({ path, state }))).toEqual([
    { path: join(twins, "twin"), state: "loaded" },
    { path: join(twins, "twin.ndp"), state: "failed" },
  ]);
});

test("a generation-2 folder whose plugin.wasm does not compile is reported with the module's problem, not a manifest's", async () => {
  const folder = pluginsFolder([{ name: "broken-two", wasm: new TextEncoder().encode("not wasm"), manifest: JSON.stringify(manifest) }]);
  const { manager } = await start(folder);
  const [broken] = manager.list();
  expect(broken).toMatchObject({ state: "failed" });
  expect(broken?.error?.message).toContain(`${join(folder, "broken-two", "plugin.wasm")}: not a valid WebAssembly module`);
  expect(broken?.error?.message).not.toMatch(/capabilities/);
});
