/** WAT bodies shared by the runtime's tests (the module skeleton is @nd/testing's watPlugin). */

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

/** A logger that keeps what it is told, for assertions. */
export function memoryLogger() {
  const lines: string[] = [];
  const keep = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, logger: { debug: keep("debug"), info: keep("info"), warn: keep("warn"), error: keep("error") } };
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
