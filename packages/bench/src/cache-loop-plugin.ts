import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import wabt from "wabt";
import { WAT_ALLOCATOR } from "./wat-allocator.js";

/** Cache gets per GetArtistBiography call of the cache-loop plugin. */
export const GETS_PER_CALL = 100;

/**
 * A plugin that isolates the cost of a host call: GetArtistURL stores "k" in its cache,
 * GetArtistBiography reads it back GETS_PER_CALL times, GetArtistMBID does nothing. The
 * difference between the last two, divided by GETS_PER_CALL, is one cache get as the
 * plugin sees it. GetSimilarArtists reads its config (get_plugin_config) as many times, and
 * GetArtistTopSongs asks for an artist's artwork URL (get_artist_url) as many times: cache and
 * config calls are answered in the worker, artwork calls on the manager's thread. Its
 * allocator is reset after each call, so memory stays flat.
 */
const source = `(module
  (import "env" "get_string" (func $get_string (param i32 i32) (result i64)))
  (import "env" "set_string" (func $set_string (param i32 i32) (result i64)))
  (import "env" "get_plugin_config" (func $get_plugin_config (param i32 i32) (result i64)))
  (import "env" "get_artist_url" (func $get_artist_url (param i32 i32) (result i64)))
  ${WAT_ALLOCATOR}
  ;; GetRequest { key: "k" } (and GetArtworkUrlRequest { id: "k" }) at 512, SetStringRequest { key: "k", value: "v" } at 528
  (data (i32.const 512) "\\0a\\01k")
  (data (i32.const 528) "\\0a\\01k\\12\\01v")
  (func (export "metadata_agent_get_artist_url") (param i32 i32) (result i64)
    (drop (call $set_string (i32.const 528) (i32.const 6)))
    (global.set $heap (i32.const 1024))
    (i64.const 0))
  (func (export "metadata_agent_get_artist_biography") (param i32 i32) (result i64)
    (local $i i32)
    (loop $next
      (drop (call $get_string (i32.const 512) (i32.const 3)))
      (global.set $heap (i32.const 1024))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const ${GETS_PER_CALL}))))
    (i64.const 0))
  (func (export "metadata_agent_get_similar_artists") (param i32 i32) (result i64)
    (local $i i32)
    (loop $next
      (drop (call $get_plugin_config (i32.const 0) (i32.const 0)))
      (global.set $heap (i32.const 1024))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const ${GETS_PER_CALL}))))
    (i64.const 0))
  (func (export "metadata_agent_get_artist_top_songs") (param i32 i32) (result i64)
    (local $i i32)
    (loop $next
      (drop (call $get_artist_url (i32.const 512) (i32.const 3)))
      (global.set $heap (i32.const 1024))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const ${GETS_PER_CALL}))))
    (i64.const 0))
  (func (export "metadata_agent_get_artist_mbid") (param i32 i32) (result i64)
    (global.set $heap (i32.const 1024))
    (i64.const 0)))`;

/** A plugins folder holding the cache-loop plugin, granted the cache, its config and artwork. */
export async function cacheLoopFolder(): Promise<string> {
  const toolkit = await wabt();
  const wasm = toolkit.parseWat("cache-loop.wat", source).toBinary({}).buffer;
  const root = mkdtempSync(join(tmpdir(), "nd-bench-"));
  const folder = join(root, "cache-loop");
  mkdirSync(folder);
  writeFileSync(join(folder, "plugin.wasm"), wasm);
  const manifest = {
    name: "cache-loop",
    author: "nd",
    version: "1.0.0",
    description: "Measures one cache host call",
    capabilities: ["MetadataAgent"],
    permissions: { cache: {}, config: {}, artwork: {} },
  };
  writeFileSync(join(folder, "manifest.json"), JSON.stringify(manifest));
  return root;
}
