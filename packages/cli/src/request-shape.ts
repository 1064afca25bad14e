import { usageError } from "./errors.js";

/** The values (fields, array elements, map entries) one request may hold; more is refused before any is checked further. */
export const MAX_REQUEST_VALUES = 10_000;

/** What the protobuf JSON mapping expects at one place of a message. */
type Expected = "string" | "number" | "int32" | "uint32" | "int64" | "uint64" | "boolean" | "bytes" | "object" | "map" | "array";

/** The generated codec of a request: `fromJSON` reads the JSON, `encode` refuses what does not fit the wire. */
export interface RequestCodec {
  fromJSON(value: unknown): unknown;
  encode(message: never): unknown;
}

type Segment = string | number;

const INTEGER_RANGES = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
} as const;

type IntegerKind = keyof typeof INTEGER_RANGES;

// The longest decimal text of any value in INTEGER_RANGES: longer digit strings are out of range without parsing.
const MAX_INTEGER_DIGITS = 20;

const DESCRIPTION: Record<Expected, string> = {
  string: "a string",
  number: "a number",
  ...(Object.fromEntries(
    Object.entries(INTEGER_RANGES).map(([kind, [low, high]]) => [
      kind,
      `an ${kind}: a whole number from ${low} to ${high} (a number or a string of digits)`,
    ]),
  ) as Record<IntegerKind, string>),
  boolean: "true or false",
  bytes: "a base64 string",
  object: "an object",
  map: "an object of string keys",
  array: "an array",
};

/**
 * What is expected at one place of the message, learnt once by decoding (and encoding) a probe
 * holding only that place, so no schema is kept apart from the generated code. Children are
 * learnt on first use and kept: checking a request costs probes per place of the schema, not per
 * value of the request.
 */
class Shape {
  private learnt: Expected | undefined;
  private fieldNames: Set<string> | undefined;
  private readonly children = new Map<Segment, Shape>();

  constructor(
    private readonly codec: RequestCodec,
    private readonly path: readonly Segment[],
  ) {}

  get expected(): Expected {
    return (this.learnt ??= expectedAt(this.codec, this.path));
  }

  /** The message field named `key` (proto or JSON name), or undefined when there is none. */
  field(key: string): Shape | undefined {
    this.fieldNames ??= new Set(Object.keys(decodedAt(this.codec, this.path, {}) as object));
    const name = this.fieldNames.has(key) ? key : camelCase(key);
    return this.fieldNames.has(name) ? this.child(name) : undefined;
  }

  get fields(): string[] {
    return [...(this.fieldNames ?? [])];
  }

  /** Every element of an array (probes hold one), or every value of a map (probes hold key "k"). */
  get item(): Shape {
    return this.child(this.expected === "array" ? 0 : "k");
  }

  private child(segment: Segment): Shape {
    let shape = this.children.get(segment);
    if (!shape) this.children.set(segment, (shape = new Shape(this.codec, [...this.path, segment])));
    return shape;
  }
}

// The shapes of each request type, learnt once: a request type's places are few and fixed.
const shapes = new WeakMap<RequestCodec, Shape>();

/**
 * Checks a JSON request against the message `codec.fromJSON` reads, which would otherwise
 * coerce anything (`{"name": {}}` becomes "[object Object]") or let through integers the wire
 * cannot carry. Linear in the request, at most MAX_REQUEST_VALUES values. Throws a usage error
 * naming the field.
 */
export function checkRequestShape(codec: RequestCodec, request: Record<string, unknown>): void {
  let root = shapes.get(codec);
  if (!root) shapes.set(codec, (root = new Shape(codec, [])));
  new RequestWalk().message(root, request);
}

/** One pass over a request; `shown` is the place being checked, as the error names it (pushed and popped, not copied). */
class RequestWalk {
  private readonly shown: Segment[] = [];
  private values = 0;

  message(shape: Shape, value: Record<string, unknown>): void {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const field = shape.field(key);
      if (!field) {
        const where = this.shown.length === 0 ? "the request has" : `${pathText(this.shown)} has`;
        throw usageError(`${where} no field ${JSON.stringify(key)}; fields: ${shape.fields.join(", ")}`);
      }
      this.at(key, field, value[key]);
    }
  }

  private at(segment: Segment, shape: Shape, value: unknown): void {
    if (++this.values > MAX_REQUEST_VALUES) {
      throw usageError(`the request holds more than ${MAX_REQUEST_VALUES} values (fields, array elements and map entries), the most accepted`);
    }
    this.shown.push(segment);
    this.check(shape, value);
    this.shown.pop();
  }

  private check(shape: Shape, value: unknown): void {
    if (value === null) return; // null means the default in the JSON mapping
    const expected = shape.expected;
    if (!fits(expected, value)) {
      throw usageError(`field ${pathText(this.shown)} must be ${DESCRIPTION[expected]}, got ${describe(value)}`);
    }
    if (expected === "object") this.message(shape, value as Record<string, unknown>);
    if (expected === "map") {
      const map = value as Record<string, unknown>;
      for (const key in map) if (Object.hasOwn(map, key)) this.at(key, shape.item, map[key]);
    }
    if (expected === "array") {
      const array = value as unknown[];
      for (let index = 0; index < array.length; index++) this.at(index, shape.item, array[index]);
    }
  }
}

function fits(expected: Expected, value: unknown): boolean {
  switch (expected) {
    case "string":
      return typeof value === "string";
    case "number":
      return (typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)));
    case "int32":
    case "uint32":
    case "int64":
    case "uint64":
      return integerFits(expected, value);
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

/** A whole number (or a string of digits) within the kind's range. */
function integerFits(kind: IntegerKind, value: unknown): boolean {
  let whole: bigint;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) return false;
    whole = BigInt(value);
  } else if (typeof value === "string" && /^-?\d+$/.test(value) && value.replace(/^-?0*/, "").length <= MAX_INTEGER_DIGITS) {
    whole = BigInt(value);
  } else {
    return false;
  }
  const [low, high] = INTEGER_RANGES[kind];
  return whole >= low && whole <= high;
}

/** Decodes a probe with `null` at `path` (the field's default) and reads what type it became. */
function expectedAt(codec: RequestCodec, path: readonly Segment[]): Expected {
  const probe = (leaf: unknown) => {
    try {
      return decodedAt(codec, path, leaf);
    } catch {
      return undefined; // BigInt() of an object throws: an int64 field
    }
  };
  const empty = probe(null);
  if (typeof empty === "string") return "string";
  if (typeof empty === "boolean") return "boolean";
  if (typeof empty === "bigint") return encodes(codec, path, -1) ? "int64" : "uint64";
  if (typeof empty === "number") return numberKind(codec, path);
  if (empty instanceof Uint8Array) return "bytes";
  if (Array.isArray(empty)) return "array";
  if (empty === undefined) return "object"; // an unset message field
  return "map";
}

/** A double or float takes 1.5; a 32-bit integer does not, and an unsigned one does not take -1 either. */
function numberKind(codec: RequestCodec, path: readonly Segment[]): Expected {
  if (encodes(codec, path, 1.5)) return "number";
  return encodes(codec, path, -1) ? "int32" : "uint32";
}

function encodes(codec: RequestCodec, path: readonly Segment[], leaf: unknown): boolean {
  try {
    codec.encode(codec.fromJSON(wrap(path, leaf)) as never);
    return true;
  } catch {
    return false;
  }
}

/** The decoded value at `path` of a request holding only `leaf` there. */
function decodedAt(codec: RequestCodec, path: readonly Segment[], leaf: unknown): unknown {
  let decoded = codec.fromJSON(wrap(path, leaf));
  for (const segment of path) {
    if (decoded === null || typeof decoded !== "object" || !Object.hasOwn(decoded, segment)) return undefined;
    decoded = (decoded as Record<Segment, unknown>)[segment];
  }
  return decoded;
}

function wrap(path: readonly Segment[], leaf: unknown): unknown {
  return path.reduceRight<unknown>((inner, segment) => {
    if (typeof segment === "number") return [inner];
    // defineProperty: a key such as "__proto__" stays a plain key
    return Object.defineProperty({}, segment, { value: inner, enumerable: true });
  }, leaf);
}

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function pathText(path: readonly Segment[]): string {
  return path.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join("");
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}
