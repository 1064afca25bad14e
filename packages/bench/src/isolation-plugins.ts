import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import wabt from "wabt";
import { WAT_ALLOCATOR } from "./wat-allocator.js";

/**
 * The plugins of the isolation benchmarks, speaking the raw wire contract:
 *  - `fetcher`: GetArtistBiography sends its request to env.get as is (an ArtistRequest's
 *    `id` reads as an HttpRequest's `url`, both field 1), then answers the request back;
 *  - `runaway`: GetArtistBiography never returns;
 *  - `echo`: GetArtistBiography answers its request back at once.
 */
export type IsolationPluginKind = "fetcher" | "runaway" | "echo";

const BODIES: Record<IsolationPluginKind, string> = {
  fetcher: `(drop (call $get (local.get $ptr) (local.get $len)))
    (call $pack (local.get $ptr) (local.get $len))`,
  runaway: `(loop $forever (br $forever))
    (i64.const 0)`,
  echo: `(call $pack (local.get $ptr) (local.get $len))`,
};

function source(kind: IsolationPluginKind): string {
  return `(module
  (import "env" "get" (func $get (param i32 i32) (result i64)))
  ${WAT_ALLOCATOR}
  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32)) (i64.extend_i32_u (local.get $len))))
  ;; The heap is reset after each call: the host has read the answer before it sends the next request.
  (func $answer (param $ptr i32) (param $len i32) (result i64)
    ${BODIES[kind]})
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (local $packed i64)
    (local.set $packed (call $answer (local.get $ptr) (local.get $len)))
    (global.set $heap (i32.const 1024))
    (local.get $packed)))`;
}

/** A plugins folder with one plugin per entry, each granted http to the local network. */
export async function isolationFolder(plugins: Record<string, IsolationPluginKind>): Promise<string> {
  const toolkit = await wabt();
  const root = mkdtempSync(join(tmpdir(), "nd-bench-"));
  for (const [name, kind] of Object.entries(plugins)) {
    const folder = join(root, name);
    mkdirSync(folder);
    writeFileSync(join(folder, "plugin.wasm"), toolkit.parseWat(`${kind}.wat`, source(kind)).toBinary({}).buffer);
    const manifest = {
      name,
      author: "nd",
      version: "1.0.0",
      description: `isolation benchmark plugin (${kind})`,
      capabilities: ["MetadataAgent"],
      permissions: { http: { allowLocalNetwork: true } },
    };
    writeFileSync(join(folder, "manifest.json"), JSON.stringify(manifest));
  }
  return root;
}
