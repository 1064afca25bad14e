import { describe, expect, test } from "vitest";
import { api, DecodeLimitError, decodeBounded, encodeMessage } from "../src/index.js";

const LIMITS = { maxEntries: 10_000, maxMessages: 100_000 };

/** `count` empty entries of field 1 (`0a 00` each): what a hostile answer of empty artists looks like. */
function emptyEntries(count: number): Uint8Array {
  const bytes = new Uint8Array(count * 2);
  for (let i = 0; i < bytes.length; i += 2) bytes[i] = 0x0a;
  return bytes;
}

function refusal(run: () => unknown): DecodeLimitError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeLimitError) return error;
    throw error;
  }
  throw new Error("the decode was not refused");
}

describe("decodeBounded", () => {
  test("decodes what stays within the limits exactly as the codec does", () => {
    const response = { artists: [{ name: "a", mbid: "1" }, { name: "b", mbid: "2" }] };
    const bytes = encodeMessage(api.ArtistSimilarResponse, api.ArtistSimilarResponse.fromPartial(response));
    expect(decodeBounded(api.ArtistSimilarResponse, bytes, LIMITS)).toEqual(api.ArtistSimilarResponse.decode(bytes));
  });

  test("4 MiB of empty entries is refused at the entries bound, naming the field, before any is decoded", () => {
    const error = refusal(() => decodeBounded(api.ArtistSimilarResponse, emptyEntries(2 * 1024 * 1024), LIMITS));
    expect([error.bound, error.field, error.limit]).toEqual(["maxEntries", '"artists"', 10_000]);
    expect(error.message).toBe('more than 10000 entries in "artists"');
  });

  test("exactly maxEntries entries pass", () => {
    expect(decodeBounded(api.ArtistSimilarResponse, emptyEntries(10_000), LIMITS).artists).toHaveLength(10_000);
  });

  test("the messages bound counts nested messages and names the top-level field they are in", () => {
    const error = refusal(() => decodeBounded(api.ArtistSimilarResponse, emptyEntries(50), { maxEntries: 100, maxMessages: 20 }));
    expect([error.bound, error.field, error.limit]).toEqual(["maxMessages", '"artists"', 20]);
  });

  test("a field the probe cannot name is named by its number; malformed bytes still fail as the codec fails", () => {
    const unknownField = new Uint8Array(200).map((_, i) => (i % 2 === 0 ? 0x78 : 0x00)); // field 15, varint 0
    expect(refusal(() => decodeBounded(api.ArtistSimilarResponse, unknownField, { maxEntries: 50, maxMessages: 10 })).field).toBe(
      "field 15",
    );
    expect(() => decodeBounded(api.ArtistSimilarResponse, Uint8Array.of(0x0a, 0x05, 0x0a), LIMITS)).toThrow(RangeError);
  });
});
