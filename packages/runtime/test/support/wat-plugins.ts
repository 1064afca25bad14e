import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import wabt from "wabt";

const toolkit = await wabt();

/**
 * Hand-written plugins in WebAssembly text, for the cases real SDKs cannot
 * produce on purpose: loops, traps, garbage answers, memory hogs.
 * Each has a bump allocator, so `malloc`/`free` follow the wire contract.
 */
export function watPlugin(body: string, { imports = "", apiVersion = 1, memoryPages = 2 } = {}): Uint8Array {
  const source = `(module
    ${imports}
    (memory (export "memory") ${memoryPages})
    (global $heap (mut i32) (i32.const 1024))
    (func $malloc (export "malloc") (param $size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get $size)))
      (local.get $ptr))
    (func (export "free") (param i32))
    (func (export "metadata_agent_api_version") (result i64) (i64.const ${apiVersion}))
    ;; Packs a pointer and a length into the i64 a call returns.
    (func $pack (param $ptr i32) (param $len i32) (result i64)
      (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32)) (i64.extend_i32_u (local.get $len))))
    ${body})`;
  const module = toolkit.parseWat("plugin.wat", source);
  return module.toBinary({}).buffer;
}

/** Answers GetArtistBiography with its own request: the biography is the request's id (both field 1). */
export const ECHO_BIOGRAPHY = `
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (call $pack (local.get $ptr) (local.get $len)))`;

/** Answers with an error string stored at `offset` (bit 31 of the length marks it as an error). */
export function errorAnswer(exportName: string, message: string, offset = 512): string {
  return `
  (data (i32.const ${offset}) "${message}")
  (func (export "${exportName}") (param i32) (param i32) (result i64)
    (call $pack (i32.const ${offset}) (i32.or (i32.const ${message.length}) (i32.const 0x80000000))))`;
}

export interface PluginFiles {
  readonly name: string;
  readonly wasm: Uint8Array;
  readonly capabilities?: string[];
  readonly permissions?: Record<string, unknown>;
  readonly manifest?: unknown;
  readonly folderName?: string;
}

/** Makes a plugins folder holding each plugin in its own subfolder. */
export function pluginsFolder(plugins: PluginFiles[], root = mkdtempSync(join(tmpdir(), "nd-runtime-"))): string {
  for (const plugin of plugins) writePlugin(root, plugin);
  return root;
}

export function writePlugin(root: string, plugin: PluginFiles): string {
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

/** A logger that keeps what it is told, for assertions. */
export function memoryLogger() {
  const lines: string[] = [];
  const keep = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, logger: { debug: keep("debug"), info: keep("info"), warn: keep("warn"), error: keep("error") } };
}
