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
 * first a walk over the top-level fields that only counts them, then the
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
  const fields = new TopLevelFields(bytes);
  while (fields.next()) {
    const count = (counts.get(fields.fieldNumber) ?? 0) + 1;
    if (count > maxEntries) throw new DecodeLimitError("maxEntries", fieldName(codec, fields.fieldNumber), maxEntries);
    counts.set(fields.fieldNumber, count);
  }
}

/** Steps over the top-level fields of a message without decoding them, allocating nothing per field. */
class TopLevelFields {
  /** Where the next field starts. */
  pos = 0;
  /** The number of the field last stepped over. */
  fieldNumber = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** Steps over one field; false at the end, at a zero tag (where generated decoders stop too) or at malformed bytes. */
  next(): boolean {
    if (this.pos >= this.bytes.length) return false;
    const tag = this.varint();
    if (tag < 0) return false;
    this.fieldNumber = Math.floor(tag / 8);
    return this.fieldNumber !== 0 && this.skip(tag % 8) && this.pos <= this.bytes.length;
  }

  private skip(wireType: number): boolean {
    switch (wireType) {
      case WIRE_VARINT:
        return this.varint() >= 0;
      case WIRE_FIXED64:
        this.pos += 8;
        return true;
      case WIRE_FIXED32:
        this.pos += 4;
        return true;
      case WIRE_LENGTH_DELIMITED: {
        const length = this.varint();
        this.pos += length;
        return length >= 0;
      }
      default:
        return false;
    }
  }

  /** A varint of at most 10 bytes, or -1 when malformed; its value is exact up to 2^53, all a tag or length needs. */
  private varint(): number {
    let value = 0;
    let scale = 1;
    for (const end = Math.min(this.bytes.length, this.pos + 10); this.pos < end; scale *= 128) {
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
    return -1;
  }
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

  /** The top-level field being decoded now, by stepping over the top level up to the current position. */
  private topLevelFieldAt(): string {
    const fields = new TopLevelFields(this.input);
    let more = true;
    while (more && fields.pos < this.pos) more = fields.next();
    return fieldName(this.codec, fields.fieldNumber);
  }
}
