import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";

const RUNTIME = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const AS_ECHO = fileURLToPath(new URL("../../../examples/as-echo", import.meta.url));
// A host as the runtime README advises: compile cache on (NODE_COMPILE_CACHE), one plugin, one call that
// never suspends. Started with --input-type=module, which the worker threads must not inherit.
const HOST = `
const { PluginManager } = await import(${JSON.stringify(RUNTIME)});
const manager = new PluginManager({ folder: process.env.PLUGINS, logger: { debug() {}, info() {}, warn() {}, error() {} } });
await manager.start();
const { biography } = await manager.call("as-echo", "MetadataAgent", "GetArtistBiography", { name: "cache" });
await manager.close();
console.log(biography);
`;

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function host(env: Record<string, string>) {
  const plugins = mkdtempSync(join(tmpdir(), "nd-code-cache-plugins-"));
  folders.push(plugins);
  symlinkSync(AS_ECHO, join(plugins, "as-echo"));
  return spawnSync(process.execPath, ["--input-type=module", "-e", HOST], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", PLUGINS: plugins, ...env } });
}

test("with the host's compile cache on, the worker's compiled code is kept in its folder for the next process, which answers from it", () => {
  const cache = mkdtempSync(join(tmpdir(), "nd-code-cache-"));
  folders.push(cache);
  expect(host({ NODE_COMPILE_CACHE: cache })).toMatchObject({ status: 0, stdout: "bio of cache\n" });
  const kept = readdirSync(cache, { recursive: true }).filter((name) => /nd-worker-\d+-\d+\.code$/.test(String(name)));
  expect(kept).toHaveLength(1);
  expect(host({ NODE_COMPILE_CACHE: cache })).toMatchObject({ status: 0, stdout: "bio of cache\n" });
});

test("without a compile cache nothing is written", () => {
  const cache = mkdtempSync(join(tmpdir(), "nd-code-cache-off-"));
  folders.push(cache);
  expect(host({ NODE_COMPILE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: "1" })).toMatchObject({ status: 0, stdout: "bio of cache\n" });
  expect(readdirSync(cache)).toEqual([]);
});
