import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import wabt from "wabt";

/** The peer plugin (@extism/as-pdk): an Extism-ABI module nd loads as a generation-2 plugin. */
export const PEER_WASM = new URL("../peer/plugin.wasm", import.meta.url);

/** Rounds of host calls per export call of the generation-2 loop plugins. */
export const GEN2_GETS_PER_CALL = 100;

const wat = (text: string) => text.replaceAll('"', '\\"');

/** One `extism:host/user` call: the function and its JSON request. */
interface HostCall {
  readonly name: string;
  readonly request: string;
}

/**
 * A generation-2 plugin in WebAssembly text whose exports each make their host calls
 * GEN2_GETS_PER_CALL times over, copying each JSON request into a kernel block and freeing
 * both blocks, as a PDK does; `nd_none` does nothing. (an export − `nd_none`) /
 * GEN2_GETS_PER_CALL is one round of its calls as the plugin sees it.
 */
function hostLoopModule(loops: Readonly<Record<string, readonly HostCall[]>>): string {
  const requests = [...new Set(Object.values(loops).flatMap((calls) => calls.map((call) => call.request)))];
  const offsets = new Map<string, number>();
  let next = 0;
  for (const request of requests) {
    offsets.set(request, next);
    next += request.length;
  }
  const names = [...new Set(Object.values(loops).flatMap((calls) => calls.map((call) => call.name)))];
  const round = (calls: readonly HostCall[]) =>
    calls
      .map(({ name, request }) => `
        (local.set $request (call $block (i32.const ${offsets.get(request)}) (i32.const ${request.length})))
        (call $free (call $${name} (local.get $request)))
        (call $free (local.get $request))`)
      .join("");
  const exports = Object.entries(loops).map(
    ([exportName, calls]) => `
  (func (export "${exportName}") (result i32)
    (local $i i32) (local $request i64)
    (loop $next ${round(calls)}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const ${GEN2_GETS_PER_CALL}))))
    (i32.const 0))`,
  );
  return `(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "free" (func $free (param i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  ${names.map((name) => `(import "extism:host/user" "${name}" (func $${name} (param i64) (result i64)))`).join("\n  ")}
  (memory (export "memory") 1)
  ${requests.map((request) => `(data (i32.const ${offsets.get(request)}) "${wat(request)}")`).join("\n  ")}
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
  ${exports.join("")}
  (func (export "nd_none") (result i32) (i32.const 0)))`;
}

const KEY_K = `{"key":"k"}`;

/**
 * The generation-1 cache-loop plugin's twin: `nd_seed` stores "k" in the cache (many times:
 * harmless), `nd_gets` reads it back with cache_getstring, `nd_config_gets` reads config "k"
 * with config_get, `nd_artwork_gets` asks for artist "k"'s artwork URL.
 */
const CACHE_LOOP = hostLoopModule({
  nd_seed: [{ name: "cache_setstring", request: `{"key":"k","value":"v","ttlSeconds":3600}` }],
  nd_gets: [{ name: "cache_getstring", request: KEY_K }],
  nd_config_gets: [{ name: "config_get", request: KEY_K }],
  nd_artwork_gets: [{ name: "artwork_getartisturl", request: `{"id":"k","size":0}` }],
});

/** `nd_kv`: a kvstore_set of "k" then a kvstore_get of it, per round. */
const KV_LOOP = hostLoopModule({
  nd_kv: [
    { name: "kvstore_set", request: `{"key":"k","value":"dGhlIHZhbHVlIG9mIGEga3ZzdG9yZSBrZXk="}` },
    { name: "kvstore_get", request: KEY_K },
  ],
});

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

const compiled = async (name: string, source: string) => (await wabt()).parseWat(name, source).toBinary({}).buffer;

/** The generation-2 cache-loop plugin as `cache-loop-gen2`, granted the cache and artwork unless told otherwise. */
export async function gen2CacheLoopFolder(permissions: Record<string, unknown> = { cache: {}, artwork: {} }): Promise<string> {
  const wasm = await compiled("cache-loop-gen2.wat", CACHE_LOOP);
  return gen2Folder("cache-loop-gen2", (path) => writeFileSync(path, wasm), permissions);
}

/** The generation-2 kvstore loop plugin as `kv-loop-gen2`, granted the kvstore. */
export async function gen2KvLoopFolder(): Promise<string> {
  const wasm = await compiled("kv-loop-gen2.wat", KV_LOOP);
  return gen2Folder("kv-loop-gen2", (path) => writeFileSync(path, wasm), { kvstore: {} });
}
