import wabt from "wabt";
import type { TestPlugin } from "./wat-plugins.js";

const toolkit = await wabt();

/** The Extism kernel functions every generation-2 test module imports. */
const KERNEL_IMPORTS = `
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "free" (func $free (param i64)))
  (import "extism:host/env" "length" (func $length (param i64) (result i64)))
  (import "extism:host/env" "load_u8" (func $load_u8 (param i64) (result i32)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "error_set" (func $error_set (param i64)))`;

export interface Gen2WatOptions {
  /** More imports, e.g. `(import "extism:host/user" "config_get" (func $config_get (param i64) (result i64)))`. */
  readonly imports?: string;
  /** Initial memory, in 64 KiB pages. Default 2. */
  readonly memoryPages?: number;
}

/**
 * A generation-2 (Extism) plugin module in WebAssembly text. Its helpers move bytes
 * between linear memory and kernel blocks:
 * `$to_block (ptr i32, len i32) -> i64` copies memory into a new block;
 * `$from_block (handle i64, ptr i32) -> i32` copies a whole block to memory, answering its length;
 * `$input (ptr i32) -> i32` copies the call's input to memory, answering its length;
 * `$output (ptr i32, len i32)` and `$fail (ptr i32, len i32)` set the output or the error text.
 * `body` adds the `nd_*` exports, each `(result i32)`.
 */
export function gen2WatPlugin(body: string, options: Gen2WatOptions = {}): Uint8Array {
  const { imports = "", memoryPages = 2 } = options;
  const source = `(module
    ${KERNEL_IMPORTS}
    ${imports}
    (memory (export "memory") ${memoryPages})
    (func $to_block (param $ptr i32) (param $len i32) (result i64)
      (local $handle i64) (local $i i32)
      (local.set $handle (call $alloc (i64.extend_i32_u (local.get $len))))
      (block $done (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (call $store_u8 (i64.add (local.get $handle) (i64.extend_i32_u (local.get $i)))
          (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
      (local.get $handle))
    (func $from_block (param $handle i64) (param $ptr i32) (result i32)
      (local $len i32) (local $i i32)
      (local.set $len (i32.wrap_i64 (call $length (local.get $handle))))
      (block $done (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (i32.store8 (i32.add (local.get $ptr) (local.get $i))
          (call $load_u8 (i64.add (local.get $handle) (i64.extend_i32_u (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
      (local.get $len))
    (func $input (param $ptr i32) (result i32)
      (local $len i32) (local $i i32)
      (local.set $len (i32.wrap_i64 (call $input_length)))
      (block $done (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (i32.store8 (i32.add (local.get $ptr) (local.get $i)) (call $input_load_u8 (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
      (local.get $len))
    (func $output (param $ptr i32) (param $len i32)
      (call $output_set (call $to_block (local.get $ptr) (local.get $len)) (i64.extend_i32_u (local.get $len))))
    (func $fail (param $ptr i32) (param $len i32)
      (call $error_set (call $to_block (local.get $ptr) (local.get $len))))
    ${body})`;
  return watModule(source);
}

/** Any module written in WebAssembly text, as is. */
export function watModule(source: string): Uint8Array {
  return toolkit.parseWat("module.wat", source, { bulk_memory: true }).toBinary({}).buffer;
}

/** A generation-2 plugin for a test plugins folder: its ID is the folder's name; the manifest has only what v0.63 requires. */
export function gen2Plugin(id: string, wasm: Uint8Array, permissions: Record<string, unknown> = {}, manifest: Record<string, unknown> = {}): TestPlugin {
  return { name: id, wasm, manifest: { name: `${id} (display)`, author: "nd tests", version: "1.0.0", permissions, ...manifest } };
}

/** An export that echoes its input as its output. */
export const GEN2_ECHO = (exportName: string) => `
  (func (export "${exportName}") (result i32)
    (call $output (i32.const 1024) (call $input (i32.const 1024)))
    (i32.const 0))`;
