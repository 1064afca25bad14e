import { ServiceError } from "../errors.js";

/** A JSON number as the plugin wrote it: kept as text, so int64 values stay exact. */
export class JsonNumber {
  constructor(readonly source: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const INTEGER_SYNTAX = /^-?\d+$/;
const INT32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const BASE64_SYNTAX = /^[A-Za-z0-9+/]*={0,2}$/;

function jsonKind(value: JsonValue): string {
  if (value === null) return "null";
  if (value instanceof JsonNumber) return "number";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}

function mismatch(key: string, value: JsonValue, goType: string): ServiceError {
  const shown = value instanceof JsonNumber ? `number ${value.source}` : jsonKind(value);
  return new ServiceError(`json: cannot unmarshal ${shown} into field "${key}" of type ${goType}`);
}

/** The field of `object` named `key` as Go's encoding/json fills it: every key equal in any case sets it, so the last wins. */
function fieldOf(object: JsonObject, key: string): JsonValue | undefined {
  const folded = key.toLowerCase();
  let found: JsonValue | undefined;
  for (const name in object) {
    if (name === key || name.toLowerCase() === folded) found = object[name];
  }
  return found;
}

function integer(key: string, value: JsonValue | undefined, range: { min: bigint; max: bigint }, goType: string) {
  if (value === undefined || value === null) return 0n;
  if (!(value instanceof JsonNumber) || !INTEGER_SYNTAX.test(value.source)) throw mismatch(key, value, goType);
  const parsed = BigInt(value.source);
  if (parsed < range.min || parsed > range.max) throw mismatch(key, value, goType);
  return parsed;
}

/** A JSON value with its numbers made plain JS numbers, for code outside the codec. */
export function toPlain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return Number(value.source);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toPlain(item)]));
  }
  return value;
}

/**
 * The fields of one host-call request, read the way Go's encoding/json fills a request struct:
 * keys match in any case, unknown keys are ignored, a missing or null field is the zero value,
 * and a value of the wrong type (a float for an int, say) is a ServiceError.
 */
export class JsonRequest {
  constructor(readonly fields: JsonObject) {}

  /** The raw value of a field, or undefined when absent. */
  value(key: string): JsonValue | undefined {
    return fieldOf(this.fields, key);
  }

  string(key: string): string {
    const value = this.value(key);
    if (value === undefined || value === null) return "";
    if (typeof value !== "string") throw mismatch(key, value, "string");
    return value;
  }

  bool(key: string): boolean {
    const value = this.value(key);
    if (value === undefined || value === null) return false;
    if (typeof value !== "boolean") throw mismatch(key, value, "bool");
    return value;
  }

  int32(key: string): number {
    return Number(integer(key, this.value(key), INT32, "int32"));
  }

  int64(key: string): bigint {
    return integer(key, this.value(key), INT64, "int64");
  }

  float64(key: string): number {
    const value = this.value(key);
    if (value === undefined || value === null) return 0;
    if (!(value instanceof JsonNumber)) throw mismatch(key, value, "float64");
    return Number(value.source);
  }

  /** A `[]byte` field: standard base64 with padding, as Go encodes it. */
  bytes(key: string): Uint8Array {
    const value = this.value(key);
    if (value === undefined || value === null) return new Uint8Array(0);
    if (typeof value !== "string") throw mismatch(key, value, "[]uint8");
    const text = /[\r\n]/.test(value) ? value.replace(/[\r\n]/g, "") : value;
    if (text.length % 4 !== 0 || !BASE64_SYNTAX.test(text)) {
      throw new ServiceError(`field "${key}": illegal base64 data`);
    }
    return new Uint8Array(Buffer.from(text, "base64"));
  }

  /** An object field as a nested request (absent or null = empty). */
  object(key: string): JsonRequest {
    const value = this.value(key);
    if (value === undefined || value === null) return new JsonRequest({});
    if (typeof value !== "object" || Array.isArray(value) || value instanceof JsonNumber) {
      throw mismatch(key, value, "object");
    }
    return new JsonRequest(value);
  }

  /** An array field (absent or null = empty). */
  array(key: string): JsonValue[] {
    const value = this.value(key);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw mismatch(key, value, "array");
    return value;
  }

  /** A `map[string]string` field (absent or null = empty). */
  stringMap(key: string): Record<string, string> {
    const map = this.object(key).fields;
    const result: Record<string, string> = Object.create(null);
    for (const [name, value] of Object.entries(map)) {
      if (value !== null && typeof value !== "string") throw mismatch(`${key}.${name}`, value, "string");
      result[name] = value ?? "";
    }
    return result;
  }
}
