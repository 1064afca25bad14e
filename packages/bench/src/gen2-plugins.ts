import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import wabt from "wabt";

/** The peer plugin (@extism/as-pdk): an Extism-ABI module nd loads as a generation-2 plugin. */
export const PEER_WASM = new URL("../peer/plugin.wasm", import.meta.url);

/** Cache gets per `nd_gets` call of the generation-2 cache-loop plugin. */
export const GEN2_GETS_PER_CALL = 100;

const GET_REQUEST = `{"key":"k"}`;
const SET_REQUEST = `{"key":"k","value":"v","ttlSeconds":3600}`;
const ARTWORK_REQUEST = `{"id":"k","size":0}`;
const wat = (text: string) => text.replaceAll('"', '\\"');

/**
 * The generation-1 cache-loop plugin's twin in Extism's ABI: `nd_seed` stores "k" with
 * cache_setstring, `nd_gets` reads it back GEN2_GETS_PER_CALL times with cache_getstring
 * (copying the JSON request into a kernel block and freeing both blocks each time, as a PDK
 * does), `nd_config_gets` reads config "k" as many times with config_get, `nd_artwork_gets`
 * asks for artist "k"'s artwork URL as many times, `nd_none` does nothing. (`nd_gets` − `nd_none`) / GEN2_GETS_PER_CALL is one get.
 */
const cacheLoopSource = `(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "free" (func $free (param i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/user" "cache_getstring" (func $get (param i64) (result i64)))
  (import "extism:host/user" "cache_setstring" (func $set (param i64) (result i64)))
  (import "extism:host/user" "config_get" (func $config_get (param i64) (result i64)))
  (import "extism:host/user" "artwork_getartisturl" (func $artwork (param i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "${wat(GET_REQUEST)}")
  (data (i32.const 64) "${wat(SET_REQUEST)}")
  (data (i32.const 192) "${wat(ARTWORK_REQUEST)}")
  (func $block (param $ptr i32) (param $len i32) (result i64)
    (local $handle i64) (local $i i32)
    (local.set $handle (call $alloc (i64.extend_i32_u (local.get $len))))
    (block $done (loop $copy
      (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
      (call $store_u8 (i64.add (local.get $handle) (i64.extend_i32_u (local.get $i)))
        (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $copy)))
    (local.get $handle))
  ;; $function: 0 cache_getstring, 1 cache_setstring, 2 config_get, 3 artwork_getartisturl
  (func $host_call (param $function i32) (param $ptr i32) (param $len i32)
    (local $request i64)
    (local.set $request (call $block (local.get $ptr) (local.get $len)))
    (call $free
      (if (result i64) (i32.eqz (local.get $function))
        (then (call $get (local.get $request)))
        (else (if (result i64) (i32.eq (local.get $function) (i32.const 1))
          (then (call $set (local.get $request)))
          (else (if (result i64) (i32.eq (local.get $function) (i32.const 2))
            (then (call $config_get (local.get $request)))
            (else (call $artwork (local.get $request)))))))))
    (call $free (local.get $request)))
  (func (export "nd_seed") (result i32)
    (call $host_call (i32.const 1) (i32.const 64) (i32.const ${SET_REQUEST.length}))
    (i32.const 0))
  (func $loop (param $function i32) (param $ptr i32) (param $len i32)
    (local $i i32)
    (loop $next
      (call $host_call (local.get $function) (local.get $ptr) (local.get $len))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const ${GEN2_GETS_PER_CALL})))))
  (func (export "nd_gets") (result i32) (call $loop (i32.const 0) (i32.const 0) (i32.const ${GET_REQUEST.length})) (i32.const 0))
  (func (export "nd_config_gets") (result i32) (call $loop (i32.const 2) (i32.const 0) (i32.const ${GET_REQUEST.length})) (i32.const 0))
  (func (export "nd_artwork_gets") (result i32)
    (call $loop (i32.const 3) (i32.const 192) (i32.const ${ARTWORK_REQUEST.length}))
    (i32.const 0))
  (func (export "nd_none") (result i32) (i32.const 0)))`;

/** A plugins folder holding one generation-2 plugin `<id>/` (manifest.json + plugin.wasm). */
function gen2Folder(id: string, writeWasm: (path: string) => void, permissions: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), "nd-bench-gen2-"));
  const folder = join(root, id);
  mkdirSync(folder);
  writeWasm(join(folder, "plugin.wasm"));
  writeFileSync(join(folder, "manifest.json"), JSON.stringify({ name: id, author: "nd", version: "1.0.0", permissions }));
  return root;
}

/** The peer plugin as the generation-2 plugin `peer-echo` (no permissions). */
export const peerEchoFolder = () => gen2Folder("peer-echo", (path) => copyFileSync(PEER_WASM, path), {});

/** The generation-2 cache-loop plugin as `cache-loop-gen2`, granted the cache and artwork unless told otherwise. */
export async function gen2CacheLoopFolder(permissions: Record<string, unknown> = { cache: {}, artwork: {} }): Promise<string> {
  const wasm = (await wabt()).parseWat("cache-loop-gen2.wat", cacheLoopSource).toBinary({}).buffer;
  return gen2Folder("cache-loop-gen2", (path) => writeFileSync(path, wasm), permissions);
}
