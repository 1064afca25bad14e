import { usageError } from "./errors.js";

/** What the protobuf JSON mapping expects at one place of a message. */
type Expected = "string" | "number" | "integer" | "boolean" | "bytes" | "object" | "map" | "array";

type Decode = (value: unknown) => unknown;
type Segment = string | number;

const DESCRIPTION: Record<Expected, string> = {
  string: "a string",
  number: "a number",
  integer: "an integer (a number or a string of digits)",
  boolean: "true or false",
  bytes: "a base64 string",
  object: "an object",
  map: "an object of string keys",
  array: "an array",
};

/**
 * Checks a JSON request against the message `decode` (a generated `fromJSON`) reads, which
 * would otherwise coerce anything (`{"name": {}}` becomes "[object Object]"). The expected
 * type of each field is learnt by decoding a probe holding only that field, so no schema is
 * kept apart from the generated code. Throws a usage error naming the field.
 */
export function checkRequestShape(decode: Decode, request: Record<string, unknown>): void {
  checkMessage(decode, [], [], request);
}

/** `path` leads to the field in a probe; `shown` is the same place in the request, as the error names it. */
function checkMessage(decode: Decode, path: Segment[], shown: Segment[], value: Record<string, unknown>): void {
  const fields = Object.keys(decodedAt(decode, path, {}) as object);
  for (const key of Object.keys(value)) {
    const field = fields.includes(key) ? key : camelCase(key);
    if (!fields.includes(field)) {
      const where = path.length === 0 ? "the request has" : `${pathText(shown)} has`;
      throw usageError(`${where} no field ${JSON.stringify(key)}; fields: ${fields.join(", ")}`);
    }
    check(decode, [...path, field], value[key], [...shown, key]);
  }
}

function check(decode: Decode, path: Segment[], value: unknown, shown: Segment[]): void {
  if (value === null) return; // null means the default in the JSON mapping
  const expected = expectedAt(decode, path);
  if (!fits(expected, value)) {
    throw usageError(`field ${pathText(shown)} must be ${DESCRIPTION[expected]}, got ${describe(value)}`);
  }
  if (expected === "object") checkMessage(decode, path, shown, value as Record<string, unknown>);
  if (expected === "map") {
    for (const [key, item] of Object.entries(value as object)) check(decode, [...path, key], item, [...shown, key]);
  }
  // Every element has the type of the first: probes hold one element.
  if (expected === "array") (value as unknown[]).forEach((item, index) => check(decode, [...path, 0], item, [...shown, index]));
}

function fits(expected: Expected, value: unknown): boolean {
  switch (expected) {
    case "string":
      return typeof value === "string";
    case "number":
      return (typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)));
    case "integer":
      return (typeof value === "number" && Number.isSafeInteger(value)) || (typeof value === "string" && /^-?\d+$/.test(value));
    case "boolean":
      return typeof value === "boolean";
    case "bytes":
      return typeof value === "string" && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value);
    case "object":
    case "map":
      return typeof value === "object" && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
  }
}

/** Decodes a probe with `null` at `path` (the field's default) and reads what type it became. */
function expectedAt(decode: Decode, path: Segment[]): Expected {
  const probe = (leaf: unknown) => {
    try {
      return decodedAt(decode, path, leaf);
    } catch {
      return undefined; // BigInt() of an object throws: an int64 field
    }
  };
  const empty = probe(null);
  if (typeof empty === "string") return "string";
  if (typeof empty === "boolean") return "boolean";
  if (typeof empty === "bigint") return "integer";
  if (typeof empty === "number") return "number";
  if (empty instanceof Uint8Array) return "bytes";
  if (Array.isArray(empty)) return "array";
  if (empty === undefined) return "object"; // an unset message field
  return "map";
}

/** The decoded value at `path` of a request holding only `leaf` there. */
function decodedAt(decode: Decode, path: Segment[], leaf: unknown): unknown {
  let decoded = decode(wrap(path, leaf));
  for (const segment of path) {
    if (decoded === null || typeof decoded !== "object" || !Object.hasOwn(decoded, segment)) return undefined;
    decoded = (decoded as Record<Segment, unknown>)[segment];
  }
  return decoded;
}

function wrap(path: Segment[], leaf: unknown): unknown {
  return path.reduceRight<unknown>((inner, segment) => {
    if (typeof segment === "number") return [inner];
    // defineProperty: a key such as "__proto__" stays a plain key
    return Object.defineProperty({}, segment, { value: inner, enumerable: true });
  }, leaf);
}

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function pathText(path: Segment[]): string {
  return path.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join("");
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}
