import { HOST_MODULE, HOST_SERVICES, type HostFunction } from "@nd/protocol";
import { requestByte, watPlugin } from "./wat-plugins.js";

/** Every host function of every service, in a fixed order: a call picks one by index. */
export const EVERY_HOST_FUNCTION: HostFunction[] = Object.values(HOST_SERVICES).flatMap((service) =>
  Object.values(service.functions),
);

/** Bad (pointer, length) pairs a hostile plugin hands to a host function. */
export const BAD_ARGUMENTS = {
  wrapsAround: ["(i32.const 0xfffffff0)", "(i32.const 16)"],
  hugeLength: ["(i32.const 0)", "(i32.const 0x7fffffff)"],
  straddlesTheEnd: ["(i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4))", "(i32.const 64)"],
  lastByte: ["(i32.const 0xffffffff)", "(i32.const 1)"],
  negativeLength: ["(i32.const 1024)", "(i32.const -1)"],
} as const;

export type BadArguments = keyof typeof BAD_ARGUMENTS;

const importOf = (fn: HostFunction, index: number) =>
  `(import "${HOST_MODULE}" "${fn.importName}" (func $host${index} (param i32 i32) (result i64)))`;

/**
 * Imports every host function. GetArtistBiography calls host function number `id[0] - 65` with the
 * bad arguments named by `id[1]` (the index into BAD_ARGUMENTS), and answers "survived" if it returns.
 */
export function pointerAbusePlugin(): Uint8Array {
  const kinds = Object.values(BAD_ARGUMENTS);
  const calls = EVERY_HOST_FUNCTION.flatMap((_, fnIndex) =>
    kinds.map(
      ([ptr, len], kindIndex) => `
    (if (i32.and (i32.eq (local.get $fn) (i32.const ${fnIndex})) (i32.eq (local.get $kind) (i32.const ${kindIndex})))
      (then (drop (call $host${fnIndex} ${ptr} ${len}))))`,
    ),
  );
  return watPlugin(
    `
  (data (i32.const 512) "\\0a\\08survived")
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (local $fn i32) (local $kind i32)
    (local.set $fn (i32.sub ${requestByte(0)} (i32.const 65)))
    (local.set $kind (i32.sub ${requestByte(1)} (i32.const 65)))
    ${calls.join("")}
    (call $pack (i32.const 512) (i32.const 10)))`,
    EVERY_HOST_FUNCTION.map(importOf).join("\n"),
  );
}

/** The id that makes pointerAbusePlugin call function `fnIndex` with bad arguments `kind`. */
export function abuseId(fnIndex: number, kind: BadArguments): string {
  return String.fromCharCode(65 + fnIndex, 65 + Object.keys(BAD_ARGUMENTS).indexOf(kind));
}

/**
 * A plugin whose `malloc` answers a pointer past the end of its memory while a call runs, so the
 * host has nowhere valid to write a host call's answer. GetArtistBiography calls `importName`
 * with an empty request.
 */
export function lyingMallocPlugin(importName: string): Uint8Array {
  return watPlugin(
    `
  (global $lying (mut i32) (i32.const 0))
  (func $lyingMalloc (export "malloc") (param $size i32) (result i32)
    (if (result i32) (global.get $lying)
      (then (i32.const 0xffffff00))
      (else (call $malloc (local.get $size)))))
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (global.set $lying (i32.const 1))
    (drop (call $host (i32.const 0) (i32.const 0)))
    (global.set $lying (i32.const 0))
    (call $countAnswer (i32.const 1)))`,
    `(import "${HOST_MODULE}" "${importName}" (func $host (param i32 i32) (result i64)))`,
    16,
    { exportMalloc: false },
  );
}

/**
 * Schedules `count` one-time jobs an hour away in one call and answers how many the host accepted
 * (responses starting with field 1, schedule_id, rather than field 2, error).
 */
export function schedulerHogPlugin(count: number): Uint8Array {
  return watPlugin(
    `
  (data (i32.const 512) "\\08\\90\\1c") ;; ScheduleOneTimeRequest{delay_seconds: 3600}
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32) (local $accepted i32)
    (loop $next
      (if (i32.eq (call $firstByte (call $schedule (i32.const 512) (i32.const 3))) (i32.const 0x0a))
        (then (local.set $accepted (i32.add (local.get $accepted) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const ${count}))))
    (call $countAnswer (local.get $accepted)))`,
    `(import "${HOST_MODULE}" "schedule_one_time" (func $schedule (param i32 i32) (result i64)))`,
  );
}

/**
 * Opens `count` WebSockets to the URL in the request's id (a ConnectRequest has the same field 1)
 * and answers how many the host opened (responses starting with field 1, connection_id).
 */
export function socketHogPlugin(count: number): Uint8Array {
  return watPlugin(
    `
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32) (local $opened i32)
    (loop $next
      (if (i32.eq (call $firstByte (call $connect (local.get $ptr) (local.get $len))) (i32.const 0x0a))
        (then (local.set $opened (i32.add (local.get $opened) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const ${count}))))
    (call $countAnswer (local.get $opened)))`,
    `(import "${HOST_MODULE}" "connect" (func $connect (param i32 i32) (result i64)))`,
  );
}

/**
 * A SchedulerCallback whose callback never returns: GetArtistBiography schedules a job due now,
 * and OnSchedulerCallback loops forever when the host calls it back.
 */
export function endlessCallbackPlugin(): Uint8Array {
  return watPlugin(
    `
  (data (i32.const 512) "\\08\\00") ;; ScheduleOneTimeRequest{delay_seconds: 0}
  (func (export "scheduler_callback_api_version") (result i64) (i64.const 1))
  (func (export "scheduler_callback_on_scheduler_callback") (param i32 i32) (result i64)
    (loop $forever (br $forever))
    (i64.const 0))
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (if (i32.eq ${requestByte(0)} (i32.const 0x73)) ;; "s": schedule the job
      (then (drop (call $schedule (i32.const 512) (i32.const 2)))))
    (call $countAnswer (i32.const 2)))`,
    `(import "${HOST_MODULE}" "schedule_one_time" (func $schedule (param i32 i32) (result i64)))`,
  );
}

/**
 * A table bomb: `tables` externref tables, each grown by `step` entries per round. Asked with
 * an id starting with "a", it stops at the first refusal and answers how many entries it got
 * in all; otherwise it ignores refusals and grows forever.
 */
export function tableBombPlugin(tables: number, step: number): Uint8Array {
  const names = Array.from({ length: tables }, (_, i) => `$t${i}`);
  const grow = (table: string) => `(table.grow ${table} (ref.null extern) (i32.const ${step}))`;
  return watPlugin(
    `
  ${names.map((table) => `(table ${table} 0 externref)`).join("\n")}
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (local $total i32)
    (if (i32.ne ${requestByte(0)} (i32.const 0x61)) ;; not "a": grow forever
      (then (loop $forever ${names.map((table) => `(drop ${grow(table)})`).join(" ")} (br $forever))))
    (block $refused
      (loop $round
        ${names.map((table) => `(br_if $refused (i32.eq ${grow(table)} (i32.const -1)))`).join("\n")}
        (br $round)))
    ${names.map((table) => `(local.set $total (i32.add (local.get $total) (table.size ${table})))`).join("\n")}
    (call $countAnswer (local.get $total)))`,
  );
}

/**
 * A slow WebSocket plugin: GetArtistBiography connects to the URL in the request's id (a
 * ConnectRequest has the same field 1) and answers 1 when connected; each binary message is
 * acknowledged with a text message "ack" on its connection, then the plugin counts down
 * `steps` before returning. Messages over 4 KiB are all received at one address, so a long
 * flood does not grow the instance's memory.
 */
export function slowSocketPlugin(steps: number): Uint8Array {
  return watPlugin(
    `
  (func $bigOrSmall (export "malloc") (param $size i32) (result i32)
    (if (result i32) (i32.gt_u (local.get $size) (i32.const 4096))
      (then (i32.const 131072))
      (else (call $malloc (local.get $size)))))
  (func (export "web_socket_callback_api_version") (result i64) (i64.const 1))
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (call $countAnswer (i32.eq (call $firstByte (call $connect (local.get $ptr) (local.get $len))) (i32.const 0x0a))))
  (func (export "web_socket_callback_on_binary_message") (param $ptr i32) (param $len i32) (result i64)
    (local $idEnd i32) (local $n i32)
    ;; SendTextRequest { connection_id (field 1, copied from the request), message: "ack" }
    (local.set $idEnd (i32.add (i32.const 2) (i32.load8_u (i32.add (local.get $ptr) (i32.const 1)))))
    (memory.copy (i32.const 8192) (local.get $ptr) (local.get $idEnd))
    (i32.store8 (i32.add (i32.const 8192) (local.get $idEnd)) (i32.const 0x12))
    (i32.store8 (i32.add (i32.const 8193) (local.get $idEnd)) (i32.const 3))
    (i32.store8 (i32.add (i32.const 8194) (local.get $idEnd)) (i32.const 0x61))
    (i32.store8 (i32.add (i32.const 8195) (local.get $idEnd)) (i32.const 0x63))
    (i32.store8 (i32.add (i32.const 8196) (local.get $idEnd)) (i32.const 0x6b))
    (drop (call $sendText (i32.const 8192) (i32.add (local.get $idEnd) (i32.const 5))))
    (local.set $n (i32.const ${steps}))
    (loop $spin
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $spin (local.get $n)))
    (i64.const 0))`,
    `(import "${HOST_MODULE}" "connect" (func $connect (param i32 i32) (result i64)))
     (import "${HOST_MODULE}" "send_text" (func $sendText (param i32 i32) (result i64)))`,
    48,
    { exportMalloc: false },
  );
}
