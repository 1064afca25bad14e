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

/** `$answerLength (n) -> i64`: answers a biography of n letters "x" (n below 16 384), how a test plugin reports a number. */
export const ANSWER_LENGTH = `
  (func $answerLength (param $n i32) (result i64)
    (i32.store8 (i32.const 4096) (i32.const 0x0a))
    (i32.store8 (i32.const 4097) (i32.or (i32.and (local.get $n) (i32.const 0x7f)) (i32.const 0x80)))
    (i32.store8 (i32.const 4098) (i32.shr_u (local.get $n) (i32.const 7)))
    (memory.fill (i32.const 4099) (i32.const 0x78) (local.get $n))
    (call $pack (i32.const 4096) (i32.add (i32.const 3) (local.get $n))))`;

/** The first letter of the request's `id` (field 1 of GetArtistBiographyRequest): a test plugin's command. */
export const COMMAND = `(i32.load8_u (i32.add (local.get $ptr) (i32.const 2)))`;

/** A GetArtistBiography that counts down from `steps` before answering an empty biography: CPU work that takes a while. */
export function countdownBiography(steps: number): string {
  return `
  (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
    (local $n i32)
    (local.set $n (i32.const ${steps}))
    (loop $spin
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $spin (local.get $n)))
    (i64.const 0))`;
}

/**
 * GetArtistBiography sends its request to env.<importName> as is: an ArtistRequest's `id`
 * (field 1) reads as the `url` (field 1) of an HttpRequest or a websocket ConnectRequest.
 * It answers the request back, so the biography is the URL.
 */
export const FORWARD_ID_AS_URL = (importName: string) => ({
  body: `
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (drop (call $${importName} (local.get $ptr) (local.get $len)))
    (call $pack (local.get $ptr) (local.get $len)))`,
  imports: `(import "env" "${importName}" (func $${importName} (param i32 i32) (result i64)))`,
});

/** Never returns: runs until its deadline ends it. */
export const RUNAWAY = `
  (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
    (loop $forever (br $forever))
    (i64.const 0))`;
