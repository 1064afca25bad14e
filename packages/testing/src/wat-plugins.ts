import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import wabt from "wabt";
import { temporaryFolder } from "./temporary-folders.js";

const toolkit = await wabt();

export interface WatPluginOptions {
  /** Import declarations, e.g. `(import "env" "get" (func $get (param i32 i32) (result i64)))`. */
  readonly imports?: string;
  /** Capabilities by export prefix whose `<prefix>api_version` is exported. Default `["metadata_agent_"]`. */
  readonly prefixes?: readonly string[];
  /** What every `<prefix>api_version` returns. Default 1. */
  readonly apiVersion?: number;
  /** Initial memory, in 64 KiB pages. Default 2. */
  readonly memoryPages?: number;
  /** Where the bump allocator starts; below it, room for `(data ...)` segments. Default 1024. */
  readonly heapStart?: number;
  /** Whether `malloc` is exported (a module without it must be refused). Default true. */
  readonly exportMalloc?: boolean;
}

/**
 * A plugin module written in WebAssembly text, for the cases real SDKs cannot produce on
 * purpose: loops, traps, garbage answers, memory hogs, wild pointers. It has a bump
 * allocator, so `malloc`/`free` follow the wire contract, and `$pack (ptr, len) -> i64` to
 * build an answer; `body` adds the capability exports.
 */
export function watPlugin(body: string, options: WatPluginOptions = {}): Uint8Array {
  const { imports = "", prefixes = ["metadata_agent_"], apiVersion = 1, memoryPages = 2, heapStart = 1024, exportMalloc = true } = options;
  const source = `(module
    ${imports}
    (memory (export "memory") ${memoryPages})
    (global $heap (mut i32) (i32.const ${heapStart}))
    (func $malloc ${exportMalloc ? '(export "malloc")' : ""} (param $size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get $size)))
      (local.get $ptr))
    (func (export "free") (param i32))
    ${prefixes.map((prefix) => `(func (export "${prefix}api_version") (result i64) (i64.const ${apiVersion}))`).join("\n")}
    (func $pack (param $ptr i32) (param $len i32) (result i64)
      (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32)) (i64.extend_i32_u (local.get $len))))
    ${body})`;
  return toolkit.parseWat("plugin.wat", source, { bulk_memory: true }).toBinary({}).buffer;
}

/** A plugin to put in a test plugins folder. */
export interface TestPlugin {
  readonly name: string;
  readonly wasm: Uint8Array;
  readonly capabilities?: readonly string[];
  readonly permissions?: Record<string, unknown>;
  /** A whole manifest (object, or raw text) instead of the one made from the fields above. */
  readonly manifest?: unknown;
  /** The subfolder's name, when it should differ from the plugin's name. */
  readonly folderName?: string;
}

/** A new plugins folder with each plugin in its own subfolder, and `links` (name → folder) as symlinks. */
export function pluginsFolder(plugins: readonly TestPlugin[], links: Readonly<Record<string, string>> = {}): string {
  const root = temporaryFolder("nd-plugins-");
  for (const plugin of plugins) writePlugin(root, plugin);
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(root, name));
  return root;
}

/** Writes one plugin's manifest.json and plugin.wasm into `<root>/<folderName or name>`. */
export function writePlugin(root: string, plugin: TestPlugin): string {
  const folder = join(root, plugin.folderName ?? plugin.name);
  mkdirSync(folder, { recursive: true });
  const manifest = plugin.manifest ?? {
    name: plugin.name,
    author: "nd tests",
    version: "1.0.0",
    description: `test plugin ${plugin.name}`,
    capabilities: plugin.capabilities ?? ["MetadataAgent"],
    permissions: plugin.permissions ?? {},
  };
  writeFileSync(join(folder, "manifest.json"), typeof manifest === "string" ? manifest : JSON.stringify(manifest));
  writeFileSync(join(folder, "plugin.wasm"), plugin.wasm);
  return folder;
}

/** Imports of the cache bodies below. */
export const CACHE_STRING_IMPORTS = `(import "env" "set_string" (func $set_string (param i32 i32) (result i64)))
  (import "env" "get_string" (func $get_string (param i32 i32) (result i64)))`;

/** SetStringRequest { key: "k", value: "v" } at 512 and GetRequest { key: "k" } at 544; `$store_k` stores it. */
export const CACHE_KEY_K = `
  (data (i32.const 512) "\\0a\\01k\\12\\01v")
  (data (i32.const 544) "\\0a\\01k")
  (func $store_k (drop (call $set_string (i32.const 512) (i32.const 6))))`;

/** GetArtistMBID traps unless the cache holds k, after storing it first when `storeFirst`. */
export function mbidRequiresCachedK(storeFirst: boolean): string {
  return `
  (func (export "metadata_agent_get_artist_mbid") (param i32) (param i32) (result i64)
    (local $reply i32)
    ${storeFirst ? "(call $store_k)" : ""}
    (local.set $reply (i32.wrap_i64 (i64.shr_u (call $get_string (i32.const 544) (i32.const 3)) (i64.const 32))))
    ;; GetStringResponse { exists: true, ... } starts with 08 01
    (if (i32.ne (i32.load16_u (local.get $reply)) (i32.const 0x0108)) (then unreachable))
    (i64.const 0))`;
}
