import { createRequire } from "node:module";
import { dirname } from "node:path";
import { watPlugin as sharedWatPlugin } from "@nd/testing";

export { pluginsFolder } from "@nd/testing";

/** The as-echo example's folder (its plugin.wasm is a build output of the workspace). */
export const AS_ECHO_FOLDER = dirname(createRequire(import.meta.url).resolve("@nd/example-as-echo/package.json"));

const HELPERS = `
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
        (else (i32.const 0))))`;

/**
 * A MetadataAgent module in WebAssembly text (@nd/testing's skeleton: bump allocator, `$pack`)
 * with the reliability suite's helpers `$countAnswer` and `$firstByte`; `body` adds the
 * capability exports. The heap starts at 64 KiB, above the helpers' scratch space.
 */
export function watPlugin(body: string, imports = "", pages = 16, { exportMalloc = true } = {}): Uint8Array {
  return sharedWatPlugin(`${HELPERS}\n${body}`, { imports, memoryPages: pages, heapStart: 65536, exportMalloc });
}


/** Byte `index` of the request's first string field (GetArtistBiography's `id`): the test's command. */
export function requestByte(index: number): string {
  return `(i32.load8_u (i32.add (local.get $ptr) (i32.const ${2 + index})))`;
}
