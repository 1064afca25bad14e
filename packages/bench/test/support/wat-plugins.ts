import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import wabt from "wabt";

const toolkit = await wabt();

/** The as-echo example's folder (its plugin.wasm is a build output of the workspace). */
export const AS_ECHO_FOLDER = dirname(createRequire(import.meta.url).resolve("@nd/example-as-echo/package.json"));

/**
 * A MetadataAgent module in WebAssembly text, with a bump allocator so `malloc`/`free` follow
 * the wire contract, and `$pack` to build the i64 answer. `body` adds the capability exports.
 */
export function watPlugin(body: string, imports = "", pages = 16, { exportMalloc = true } = {}): Uint8Array {
  const source = `(module
    ${imports}
    (memory (export "memory") ${pages})
    (global $heap (mut i32) (i32.const 65536))
    (func $malloc ${exportMalloc ? '(export "malloc")' : ""} (param $size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get $size)))
      (local.get $ptr))
    (func (export "free") (param i32))
    (func (export "metadata_agent_api_version") (result i64) (i64.const 1))
    (func $pack (param $ptr i32) (param $len i32) (result i64)
      (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32)) (i64.extend_i32_u (local.get $len))))
    ;; A GetArtistBiography answer whose biography is as many letters long as the count: how a plugin reports a number.
    (func $countAnswer (param $count i32) (result i64)
      (i32.store8 (i32.const 4096) (i32.const 0x0a))
      (i32.store8 (i32.const 4097) (i32.or (i32.and (local.get $count) (i32.const 0x7f)) (i32.const 0x80)))
      (i32.store8 (i32.const 4098) (i32.or (i32.and (i32.shr_u (local.get $count) (i32.const 7)) (i32.const 0x7f)) (i32.const 0x80)))
      (i32.store8 (i32.const 4099) (i32.shr_u (local.get $count) (i32.const 14)))
      (memory.fill (i32.const 4100) (i32.const 0x78) (local.get $count))
      (call $pack (i32.const 4096) (i32.add (i32.const 4) (local.get $count))))
    ;; The first byte of the message a host call answered (0 when it answered nothing).
    (func $firstByte (param $answer i64) (result i32)
      (if (result i32) (i32.wrap_i64 (local.get $answer))
        (then (i32.load8_u (i32.wrap_i64 (i64.shr_u (local.get $answer) (i64.const 32)))))
        (else (i32.const 0))))
    ${body})`;
  return toolkit.parseWat("plugin.wat", source, { bulk_memory: true }).toBinary({}).buffer;
}

/** Byte `index` of the request's first string field (GetArtistBiography's `id`): the test's command. */
export function requestByte(index: number): string {
  return `(i32.load8_u (i32.add (local.get $ptr) (i32.const ${2 + index})))`;
}

export interface PluginFiles {
  readonly name: string;
  readonly wasm: Uint8Array;
  readonly capabilities?: string[];
  readonly permissions?: Record<string, unknown>;
}

/** A plugins folder with each plugin in its own subfolder, plus optional symlinked plugin folders. */
export function pluginsFolder(plugins: PluginFiles[], links: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), "nd-bench-"));
  for (const plugin of plugins) {
    const folder = join(root, plugin.name);
    mkdirSync(folder);
    const manifest = {
      name: plugin.name,
      author: "nd bench",
      version: "1.0.0",
      description: `reliability plugin ${plugin.name}`,
      capabilities: plugin.capabilities ?? ["MetadataAgent"],
      permissions: plugin.permissions ?? {},
    };
    writeFileSync(join(folder, "manifest.json"), JSON.stringify(manifest));
    writeFileSync(join(folder, "plugin.wasm"), plugin.wasm);
  }
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(root, name));
  return root;
}
