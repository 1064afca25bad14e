import { requestByte, watPlugin } from "./wat-plugins.js";

/** What a chaos plugin does with one call, chosen by the first character of the request's id. */
export const FAULTS = {
  echo: "e",
  loop: "l",
  trap: "t",
  memory: "m",
  garbage: "g",
  outOfBounds: "o",
} as const;

export type Fault = keyof typeof FAULTS;

const code = (fault: Fault) => FAULTS[fault].charCodeAt(0);

/**
 * GetArtistBiography that, per call: echoes the id as the biography, loops forever, traps,
 * grows its memory until the cap refuses and then traps, answers bytes that are not protobuf,
 * or answers a pointer past the end of its memory.
 */
export const chaosPlugin = (): Uint8Array =>
  watPlugin(`
  (data (i32.const 512) "\\ff\\ff\\ff\\ff\\ff")
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (local $fault i32)
    (local.set $fault ${requestByte(0)})
    (if (i32.eq (local.get $fault) (i32.const ${code("loop")}))
      (then (loop $forever (br $forever))))
    (if (i32.eq (local.get $fault) (i32.const ${code("trap")}))
      (then unreachable))
    (if (i32.eq (local.get $fault) (i32.const ${code("memory")}))
      (then
        (loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 64)) (i32.const -1))))
        unreachable))
    (if (i32.eq (local.get $fault) (i32.const ${code("garbage")}))
      (then (return (call $pack (i32.const 512) (i32.const 5)))))
    (if (i32.eq (local.get $fault) (i32.const ${code("outOfBounds")}))
      (then (return (call $pack (i32.const 0x7fff0000) (i32.const 64)))))
    (call $pack (local.get $ptr) (local.get $len)))`);
