import { HostCallError } from "../errors.js";
import { type JsonObject, JsonNumber, JsonRequest, type JsonValue } from "./json-request.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();
// Node 24's JSON.rawJSON writes bigint values (int64 results) as their exact digits.
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

type Reviver = (key: string, value: unknown, context: { source?: string }) => unknown;

const keepNumberText: Reviver = (_key, value, context) =>
  typeof value === "number" ? new JsonNumber(context.source ?? String(value)) : value;

// A JSON number follows ":", "[" or ",". Text without that pattern has none, and parses without
// the reviver, which is the slow part of a parse; a match inside a string only costs the reviver.
const NUMBER_AFTER_DELIMITER = /[:[,]\s*-?\d/;
const mayHoldNumber = (text: string) => NUMBER_AFTER_DELIMITER.test(text);

/**
 * Reads the request block of `extism:host/user.<importName>`: UTF-8 JSON of an object (empty or
 * `null` = no fields). Bytes that are not JSON, or JSON that is not an object, throw HostCallError.
 */
export function parseRequest(importName: string, request: Uint8Array): JsonRequest {
  let parsed: JsonValue;
  try {
    const text = utf8.decode(request);
    parsed = text.trim() === "" ? null : (JSON.parse(text, mayHoldNumber(text) ? (keepNumberText as never) : undefined) as JsonValue);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HostCallError(importName, `${importName}: the ${request.byteLength} request bytes are not JSON: ${reason}`, {
      cause: error,
    });
  }
  if (parsed === null) return new JsonRequest({});
  if (typeof parsed !== "object" || Array.isArray(parsed) || parsed instanceof JsonNumber) {
    throw new HostCallError(importName, `${importName}: the request must be a JSON object`);
  }
  return new JsonRequest(parsed as JsonObject);
}

/** Whether Go's `omitempty` drops this value: false, 0, "", null, an empty array or map. */
function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === 0n || value === "") {
    return true;
  }
  if (Array.isArray(value) || value instanceof Uint8Array) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

/** A copy of `fields` without the ones `omitempty` drops. */
export function omitEmpty<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => !isEmptyValue(value))) as Partial<T>;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

/** A value as JSON.stringify should see it: bytes as base64, a bigint as its exact digits. */
function jsonable(value: unknown): unknown {
  if (value instanceof Uint8Array) return base64(value);
  if (typeof value === "bigint") return rawJson(value.toString());
  return value;
}

function stringify(value: unknown): string {
  // The holder's own value, not its toJSON() (a Buffer's would be {type, data}).
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, item: unknown) {
    const own = jsonable(this[key]);
    return own === this[key] ? item : own;
  });
}

/**
 * The success envelope: the result fields with `omitempty` applied at the top level (nested
 * objects carry their own rules). Uint8Array values become base64, bigint values exact digits.
 */
export function encodeSuccess(fields: object): Uint8Array {
  const kept: Record<string, unknown> = {};
  // Most answers are flat; only nested objects need the (slower) replacer.
  let nested = false;
  for (const key in fields) {
    const value = (fields as Record<string, unknown>)[key];
    if (isEmptyValue(value)) continue;
    const converted = jsonable(value);
    if (converted === value && typeof value === "object") nested = true;
    kept[key] = converted;
  }
  return utf8Bytes(nested ? stringify(kept) : JSON.stringify(kept));
}

const SHORT_TEXT = 128;

/**
 * UTF-8 bytes of `text`. Most answers are short ASCII: copied in a loop they land in a small
 * on-heap array, several times cheaper than TextEncoder's own allocation.
 */
function utf8Bytes(text: string): Uint8Array {
  if (text.length > SHORT_TEXT) return encoder.encode(text);
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code > 0x7f) return encoder.encode(text);
    bytes[index] = code;
  }
  return bytes;
}

/** The failure envelope: exactly `{"error":"<text>"}`. */
export function encodeError(text: string): Uint8Array {
  return utf8Bytes(JSON.stringify({ error: text }));
}
