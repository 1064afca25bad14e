import { BinaryReader } from "@bufbuild/protobuf/wire";
import type { MessageCodec } from "./codec.js";

/** How much one message may decode to, whatever its byte size. */
export interface DecodeLimits {
  /** Occurrences of any one top-level field: the entries of a repeated field, say. */
  readonly maxEntries: number;
  /** Messages decoded in all, nested ones included: the objects the decode allocates. */
  readonly maxMessages: number;
}

/** A message decoded to more than its limits allow; `field` names what went past, `limit` the bound. */
export class DecodeLimitError extends Error {
  override name = "DecodeLimitError";
  constructor(
    readonly bound: keyof DecodeLimits,
    readonly field: string,
    readonly limit: number,
  ) {
    super(
      bound === "maxEntries"
        ? `more than ${limit} entries in ${field}`
        : `more than ${limit} messages in all (the last one in ${field})`,
    );
  }
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/**
 * Decodes `bytes` with `codec`, refusing before it allocates more than `limits` allow:
 * first a walk over the top-level fields that only counts them (no allocation), then the
 * decode itself, which counts every message it enters. Malformed bytes are left to the
 * decode, which throws its own error.
 */
export function decodeBounded<T>(codec: MessageCodec<T>, bytes: Uint8Array, limits: DecodeLimits): T {
  countTopLevelFields(codec, bytes, limits.maxEntries);
  return codec.decode(new CountingReader(bytes, limits.maxMessages, codec));
}

/** Counts each top-level field number's occurrences; throws past `maxEntries`. Stops quietly at malformed bytes. */
function countTopLevelFields(codec: MessageCodec<unknown>, bytes: Uint8Array, maxEntries: number): void {
  const counts = new Map<number, number>();
  let pos = 0;
  while (pos < bytes.length) {
    const tag = readVarint(bytes, pos);
    if (tag === undefined) return;
    pos = tag.next;
    const fieldNumber = Math.floor(tag.value / 8);
    // Generated decoders stop at a zero tag too.
    if (fieldNumber === 0) return;
    const count = (counts.get(fieldNumber) ?? 0) + 1;
    if (count > maxEntries) throw new DecodeLimitError("maxEntries", fieldName(codec, fieldNumber), maxEntries);
    counts.set(fieldNumber, count);
    const next = skipValue(bytes, pos, tag.value % 8);
    if (next === undefined) return;
    pos = next;
  }
}

function skipValue(bytes: Uint8Array, pos: number, wireType: number): number | undefined {
  switch (wireType) {
    case WIRE_VARINT:
      return readVarint(bytes, pos)?.next;
    case WIRE_FIXED64:
      return pos + 8;
    case WIRE_FIXED32:
      return pos + 4;
    case WIRE_LENGTH_DELIMITED: {
      const length = readVarint(bytes, pos);
      return length && length.next + length.value;
    }
    default:
      return undefined;
  }
}

/** A varint of at most 10 bytes; its value is exact up to 2^53, which is all a tag or length needs. */
function readVarint(bytes: Uint8Array, start: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let pos = start; pos < bytes.length && pos < start + 10; pos++) {
    const byte = bytes[pos]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, next: pos + 1 };
    scale *= 128;
  }
  return undefined;
}

/**
 * The name of a top-level field, found by decoding a one-field probe and seeing which
 * property changed; only asked on the error path. "field <n>" when no probe tells.
 */
function fieldName(codec: MessageCodec<unknown>, fieldNumber: number): string {
  const blank = codec.create() as Record<string, unknown>;
  const probes = fieldNumber > 0 && fieldNumber < 2 ** 29 ? [WIRE_LENGTH_DELIMITED, WIRE_VARINT] : [];
  for (const wireType of probes) {
    const probe = [fieldNumber * 8 + wireType, wireType === WIRE_VARINT ? 1 : 0];
    try {
      const decoded = codec.decode(Uint8Array.from(encodeVarintPrefix(probe))) as Record<string, unknown>;
      const changed = Object.keys(decoded).find((key) => differs(blank[key], decoded[key]));
      if (changed) return `"${changed}"`;
    } catch {
      // A probe of the wrong wire type for the field: try the next one.
    }
  }
  return `field ${fieldNumber}`;
}

function encodeVarintPrefix([tag, value]: number[]): number[] {
  const out: number[] = [];
  let rest = tag!;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest, value!);
  return out;
}

function differs(before: unknown, after: unknown): boolean {
  if (Array.isArray(before) && Array.isArray(after)) return before.length !== after.length;
  if (before instanceof Uint8Array && after instanceof Uint8Array) return before.length !== after.length;
  if (typeof before === "object" && before !== null) return false;
  return before !== after;
}

/**
 * A reader that counts the messages decoded through it. Generated decoders record their
 * nesting depth on the reader on entry (`__tsProtoDecodeDepth`); each rise is one message.
 */
class CountingReader extends BinaryReader {
  private depth = 0;
  private messages = 0;

  constructor(
    private readonly input: Uint8Array,
    private readonly maxMessages: number,
    private readonly codec: MessageCodec<unknown>,
  ) {
    super(input);
  }

  get __tsProtoDecodeDepth(): number {
    return this.depth;
  }

  set __tsProtoDecodeDepth(depth: number) {
    if (depth > this.depth && ++this.messages > this.maxMessages) {
      throw new DecodeLimitError("maxMessages", this.topLevelFieldAt(), this.maxMessages);
    }
    this.depth = depth;
  }

  /** The top-level field being decoded now, by walking the top level up to the current position. */
  private topLevelFieldAt(): string {
    let pos = 0;
    let fieldNumber = 0;
    while (pos < this.pos) {
      const tag = readVarint(this.input, pos);
      if (tag === undefined) break;
      fieldNumber = Math.floor(tag.value / 8);
      const next = skipValue(this.input, tag.next, tag.value % 8);
      if (next === undefined) break;
      pos = next;
    }
    return fieldName(this.codec, fieldNumber);
  }
}
