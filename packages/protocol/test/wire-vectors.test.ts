// Encoded bytes checked against vectors written by hand from the protobuf wire
// format (https://protobuf.dev/programming-guides/encoding/), one or more per
// proto file. Notation used in the comments:
//   tag    = field_number << 3 | wire_type, itself a varint
//   wire types: 0 varint, 1 fixed 64-bit (little-endian), 2 length-delimited
//   varint = 7 bits per byte, least significant group first, high bit set on
//            every byte but the last; negative int32/int64 are sign-extended to
//            64 bits and so always take 10 bytes
//   a map field is a repeated length-delimited entry message {key = 1, value = 2}
// Fields holding their default value are not written (proto3 implicit presence).
import { describe, expect, test } from "vitest";
import { api, artwork, cache, config, http, scheduler, subsonicapi, websocket } from "../src/index.js";
import type { MessageCodec } from "../src/index.js";

/** Hex bytes separated by spaces, possibly split over several strings. */
function hex(...chunks: string[]): Uint8Array {
  const digits = chunks.join(" ").split(/\s+/).filter((digit) => digit !== "");
  return Uint8Array.from(digits, (byte) => {
    if (!/^[0-9a-f]{2}$/.test(byte)) throw new Error(`bad hex byte "${byte}" in a test vector`);
    return Number.parseInt(byte, 16);
  });
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex").replace(/(..)(?!$)/g, "$1 ");
}

interface Vector<T> {
  name: string;
  codec: MessageCodec<T>;
  message: T;
  bytes: Uint8Array;
}

function vector<T>(name: string, codec: MessageCodec<T>, message: T, bytes: Uint8Array): Vector<T> {
  return { name, codec, message, bytes };
}

const vectors: Vector<any>[] = [
  // ---- api/api.proto
  vector(
    "api.TrackInfo with all nine fields",
    api.TrackInfo,
    {
      id: "t",
      mbid: "m",
      name: "n",
      album: "a",
      albumMbid: "b",
      artists: [{ name: "x", mbid: "y" }],
      albumArtists: [{ name: "z", mbid: "" }],
      length: 200,
      position: 30,
    },
    hex(
      "0a 01 74", //       id = 1, LEN: tag 1<<3|2 = 0x0a, length 1, "t"
      "12 01 6d", //       mbid = 2: tag 0x12, length 1, "m"
      "1a 01 6e", //       name = 3: tag 0x1a, "n"
      "22 01 61", //       album = 4: tag 0x22, "a"
      "2a 01 62", //       album_mbid = 5: tag 0x2a, "b"
      "32 06", //          artists = 6: tag 0x32, a 6-byte Artist message:
      "0a 01 78 12 01 79", //   name = 1 "x", mbid = 2 "y"
      "3a 03", //          album_artists = 7: tag 0x3a, a 3-byte Artist message:
      "0a 01 7a", //            name = 1 "z"; empty mbid is not written
      "40 c8 01", //       length = 8, VARINT: tag 8<<3|0 = 0x40; 200 = 0b1_1001000 -> c8 01
      "48 1e", //          position = 9: tag 0x48; 30 = 0x1e
    ),
  ),
  vector(
    "api.SchedulerCallbackRequest",
    api.SchedulerCallbackRequest,
    { scheduleId: "s1", payload: Uint8Array.of(0xca, 0xfe), isRecurring: true },
    hex(
      "0a 02 73 31", //    schedule_id = 1, LEN: "s1"
      "12 02 ca fe", //    payload = 2, LEN: 2 raw bytes
      "18 01", //          is_recurring = 3, VARINT: true = 1
    ),
  ),
  vector(
    "api.InitRequest with a two-entry map",
    api.InitRequest,
    { config: { a: "1", bb: "22" } },
    hex(
      "0a 06", //          config = 1, LEN: first entry, 6 bytes
      "0a 01 61 12 01 31", //   key = 1 "a", value = 2 "1"
      "0a 08", //          config = 1 again: second entry, 8 bytes
      "0a 02 62 62 12 02 32 32", // key "bb", value "22"
    ),
  ),
  vector(
    "api.ArtistSimilarRequest with a negative int32",
    api.ArtistSimilarRequest,
    { id: "", name: "Low", mbid: "", limit: -1 },
    hex(
      "12 03 4c 6f 77", // name = 2, LEN: "Low"; empty id and mbid are not written
      "20", //             limit = 4, VARINT: tag 4<<3|0 = 0x20
      "ff ff ff ff ff ff ff ff ff 01", // -1 sign-extended to 64 one-bits: 9 * 7 + 1
    ),
  ),
  vector(
    "api.ScrobblerScrobbleRequest with a nested message and an int64",
    api.ScrobblerScrobbleRequest,
    {
      userId: "u",
      username: "bob",
      track: { id: "t", mbid: "", name: "", album: "", albumMbid: "", artists: [], albumArtists: [], length: 0, position: 0 },
      timestamp: 1_700_000_000n,
    },
    hex(
      "0a 01 75", //       user_id = 1: "u"
      "12 03 62 6f 62", // username = 2: "bob"
      "1a 03 0a 01 74", // track = 3, LEN 3: TrackInfo {id = 1 "t"}
      "20", //             timestamp = 4, VARINT
      "80 e2 cf aa 06", // 1700000000 in 7-bit groups, low first: 0, 98, 79, 42, 6
    ),
  ),
  // ---- host/http/http.proto
  vector(
    "http.HttpRequest",
    http.HttpRequest,
    { url: "http://h/", headers: { k: "v" }, timeoutMs: 1500, body: Uint8Array.of(0x00, 0xff) },
    hex(
      "0a 09 68 74 74 70 3a 2f 2f 68 2f", // url = 1, LEN 9: "http://h/"
      "12 06", //          headers = 2, LEN 6: one map entry
      "0a 01 6b 12 01 76", //   key = 1 "k", value = 2 "v"
      "18 dc 0b", //       timeout_ms = 3, VARINT: 1500 = 11 * 128 + 92 -> 0x5c|0x80, 0x0b
      "22 02 00 ff", //    body = 4, LEN 2: bytes 00 ff
    ),
  ),
  vector(
    "http.HttpResponse",
    http.HttpResponse,
    { status: 404, body: Uint8Array.of(0x6e, 0x6f), headers: { a: "b" }, error: "e" },
    hex(
      "08 94 03", //       status = 1, VARINT: 404 = 3 * 128 + 20 -> 0x14|0x80, 0x03
      "12 02 6e 6f", //    body = 2, LEN 2: "no"
      "1a 06 0a 01 61 12 01 62", // headers = 3, LEN 6: entry {key "a", value "b"}
      "22 01 65", //       error = 4, LEN 1: "e"
    ),
  ),
  // ---- host/cache/cache.proto
  vector(
    "cache.SetIntRequest with a negative int64",
    cache.SetIntRequest,
    { key: "n", value: -300n, ttlSeconds: 60n },
    hex(
      "0a 01 6e", //       key = 1: "n"
      "10", //             value = 2, VARINT, then 2^64 - 300 in ten 7-bit groups:
      "d4 fd ff ff ff ff ff ff ff 01", // -300 = -3 * 128 + 84 -> 0x54|0x80; -3 -> 0x7d|0x80; then ones
      "18 3c", //          ttl_seconds = 3, VARINT: 60
    ),
  ),
  vector(
    "cache.GetFloatResponse with a double",
    cache.GetFloatResponse,
    { exists: true, value: -2.5 },
    hex(
      "08 01", //          exists = 1, VARINT: true
      "11", //             value = 2, I64: tag 2<<3|1 = 0x11
      "00 00 00 00 00 00 04 c0", // -2.5 as IEEE 754 0xc004000000000000, little-endian
    ),
  ),
  // ---- host/config/config.proto
  vector(
    "config.GetConfigResponse",
    config.GetConfigResponse,
    { config: { k: "v" } },
    hex(
      "0a 06", //          config = 1, LEN 6: one map entry
      "0a 01 6b 12 01 76", //   key "k", value "v"
    ),
  ),
  vector("config.GetConfigRequest (no fields: zero bytes)", config.GetConfigRequest, {}, hex("")),
  // ---- host/scheduler/scheduler.proto
  vector(
    "scheduler.ScheduleOneTimeRequest",
    scheduler.ScheduleOneTimeRequest,
    { delaySeconds: 5, payload: Uint8Array.of(1), scheduleId: "j" },
    hex(
      "08 05", //          delay_seconds = 1, VARINT: 5
      "12 01 01", //       payload = 2, LEN 1: byte 01
      "1a 01 6a", //       schedule_id = 3, LEN 1: "j"
    ),
  ),
  vector(
    "scheduler.ScheduleResponse with the added error field",
    scheduler.ScheduleResponse,
    { scheduleId: "j", error: "bad" },
    hex(
      "0a 01 6a", //       schedule_id = 1: "j"
      "12 03 62 61 64", // error = 2: "bad"
    ),
  ),
  // ---- host/websocket/websocket.proto
  vector(
    "websocket.CloseRequest",
    websocket.CloseRequest,
    { connectionId: "c", code: 1000, reason: "bye" },
    hex(
      "0a 01 63", //       connection_id = 1: "c"
      "10 e8 07", //       code = 2, VARINT: 1000 = 7 * 128 + 104 -> 0x68|0x80, 0x07
      "1a 03 62 79 65", // reason = 3: "bye"
    ),
  ),
  // ---- host/artwork/artwork.proto
  vector(
    "artwork.GetArtworkUrlRequest",
    artwork.GetArtworkUrlRequest,
    { id: "al-1", size: 300 },
    hex(
      "0a 04 61 6c 2d 31", // id = 1, LEN 4: "al-1"
      "10 ac 02", //       size = 2, VARINT: 300 = 2 * 128 + 44 -> 0x2c|0x80, 0x02
    ),
  ),
  // ---- host/subsonicapi/subsonicapi.proto
  vector(
    "subsonicapi.CallRequest",
    subsonicapi.CallRequest,
    { url: "/rest/ping?u=al" },
    hex(
      "0a 0f 2f 72 65 73 74 2f 70 69 6e 67 3f 75 3d 61 6c", // url = 1, LEN 15: "/rest/ping?u=al"
    ),
  ),
  vector(
    "subsonicapi.CallResponse",
    subsonicapi.CallResponse,
    { json: "{}", error: "no" },
    hex(
      "0a 02 7b 7d", // json = 1, LEN 2: "{}"
      "12 02 6e 6f", // error = 2, LEN 2: "no"
    ),
  ),
];

describe.each(vectors)("$name", ({ codec, message, bytes }) => {
  test("encodes to the hand-written bytes", () => {
    expect(toHex(codec.encode(message).finish())).toBe(toHex(bytes));
  });

  test("decodes the hand-written bytes", () => {
    expect(codec.decode(bytes)).toEqual(message);
  });
});

test("every proto file has at least one vector", () => {
  const namespaces = new Set(vectors.map((v) => v.name.split(".")[0]));
  expect([...namespaces].sort()).toEqual(["api", "artwork", "cache", "config", "http", "scheduler", "subsonicapi", "websocket"]);
});

test("map entries decode in any order and a repeated key keeps the last value", () => {
  const bytes = hex(
    "0a 08 0a 02 62 62 12 02 32 32", // entry {key "bb", value "22"}
    "0a 06 0a 01 61 12 01 31", //      entry {key "a", value "1"}
    "0a 06 0a 01 61 12 01 39", //      entry {key "a", value "9"}: replaces "1"
  );
  expect(api.InitRequest.decode(bytes)).toEqual({ config: { a: "9", bb: "22" } });
});

test("unknown fields are skipped, so newer peers can add fields", () => {
  const bytes = hex(
    "0a 01 63", //       connection_id = 1: "c"
    "78 2a", //          field 15, VARINT 42: not in the schema
    "82 01 01 78", //    field 16, LEN 1: tag 16<<3|2 = 130 -> 82 01, not in the schema
    "1a 03 62 79 65", // reason = 3: "bye"
  );
  expect(websocket.CloseRequest.decode(bytes)).toEqual({ connectionId: "c", code: 0, reason: "bye" });
});

test("a truncated message is rejected", () => {
  expect(() => http.HttpRequest.decode(hex("0a 09 68 74 74"))).toThrow(RangeError);
});
