import type { CacheValue } from "./cache-value.js";
import { itemCost, valueByteLength } from "./cache-value.js";

/*
 * One entry, 8-byte aligned:
 *   +0 size (whole entry)  +4 state  +5 value type  +8 key hash  +12 key length
 *   +16 value length  +24 expiresAt (float64, ms)  +32 value bytes, then key bytes
 * Numbers come first so that they are aligned. A pad entry only has size and state.
 */
const SIZE = 0;
const STATE = 4;
const TYPE = 5;
const HASH = 8;
const KEY_LENGTH = 12;
const VALUE_LENGTH = 16;
const EXPIRES_AT = 24;
const HEADER_BYTES = 32;

export const EntryState = { Live: 1, Dead: 2, Pad: 3 } as const;
type EntryState = (typeof EntryState)[keyof typeof EntryState];

const TYPE_CODES = { string: 1, int: 2, float: 3, bytes: 4 } as const;

/** Bytes an entry takes in the arena; always less than the item's cost, which counts 64 bytes of overhead. */
export function entrySize(keyBytes: number, valueBytes: number): number {
  return Math.ceil((HEADER_BYTES + keyBytes + valueBytes) / 8) * 8;
}

/** Reads and writes entries in a region of shared memory. */
export class EntryArena {
  private readonly view: DataView;
  private readonly bytes: Buffer;

  constructor(buffer: SharedArrayBuffer, start: number, readonly byteLength: number) {
    this.view = new DataView(buffer, start, byteLength);
    this.bytes = Buffer.from(buffer, start, byteLength);
  }

  size(offset: number): number {
    return this.view.getInt32(offset + SIZE, true);
  }

  state(offset: number): EntryState {
    return this.view.getUint8(offset + STATE) as EntryState;
  }

  hash(offset: number): number {
    return this.view.getInt32(offset + HASH, true);
  }

  expiresAt(offset: number): number {
    return this.view.getFloat64(offset + EXPIRES_AT, true);
  }

  /** What the item counts against the budget (see `itemCost`). */
  cost(offset: number): number {
    return itemCost(this.keyLength(offset), this.valueLength(offset));
  }

  markDead(offset: number): void {
    this.view.setUint8(offset + STATE, EntryState.Dead);
  }

  /** Fills the rest of the arena from `offset`, so that the next entry starts at 0. */
  writePad(offset: number): void {
    this.view.setInt32(offset + SIZE, this.byteLength - offset, true);
    this.view.setUint8(offset + STATE, EntryState.Pad);
  }

  /** Writes a live entry of `entrySize(key.length, valueByteLength(value))` bytes. */
  write(offset: number, hash: number, key: Uint8Array, value: CacheValue, expiresAt: number): void {
    const valueLength = valueByteLength(value);
    this.view.setInt32(offset + SIZE, entrySize(key.length, valueLength), true);
    this.view.setUint8(offset + STATE, EntryState.Live);
    this.view.setUint8(offset + TYPE, TYPE_CODES[value.type]);
    this.view.setInt32(offset + HASH, hash, true);
    this.view.setInt32(offset + KEY_LENGTH, key.length, true);
    this.view.setInt32(offset + VALUE_LENGTH, valueLength, true);
    this.view.setFloat64(offset + EXPIRES_AT, expiresAt, true);
    this.writeValue(offset + HEADER_BYTES, value, valueLength);
    this.bytes.set(key, offset + HEADER_BYTES + valueLength);
  }

  keyEquals(offset: number, key: Uint8Array): boolean {
    if (this.keyLength(offset) !== key.length) return false;
    const start = offset + HEADER_BYTES + this.valueLength(offset);
    return this.bytes.compare(key, 0, key.length, start, start + key.length) === 0;
  }

  readValue(offset: number): CacheValue {
    const start = offset + HEADER_BYTES;
    switch (this.view.getUint8(offset + TYPE)) {
      case TYPE_CODES.string:
        return { type: "string", value: this.bytes.toString("utf8", start, start + this.valueLength(offset)) };
      case TYPE_CODES.int:
        return { type: "int", value: this.view.getBigInt64(start, true) };
      case TYPE_CODES.float:
        return { type: "float", value: this.view.getFloat64(start, true) };
      default:
        return { type: "bytes", value: new Uint8Array(this.bytes.subarray(start, start + this.valueLength(offset))) };
    }
  }

  /** A private copy of the whole entry, to write back elsewhere with `copyIn`. */
  copyOut(offset: number, size = this.size(offset)): Uint8Array {
    return new Uint8Array(this.bytes.subarray(offset, offset + size));
  }

  copyIn(offset: number, entry: Uint8Array): void {
    this.bytes.set(entry, offset);
  }

  /** Moves the entries at `offsets` (in ring order) to the start of the arena; answers the bytes they fill. */
  packToStart(offsets: readonly number[]): number {
    const sizes = offsets.map((offset) => this.size(offset));
    const packed = new Uint8Array(sizes.reduce((sum, size) => sum + size, 0));
    let at = 0;
    offsets.forEach((offset, index) => {
      const size = sizes[index]!;
      packed.set(this.bytes.subarray(offset, offset + size), at);
      at += size;
    });
    this.bytes.set(packed, 0);
    return packed.length;
  }

  private keyLength(offset: number): number {
    return this.view.getInt32(offset + KEY_LENGTH, true);
  }

  private valueLength(offset: number): number {
    return this.view.getInt32(offset + VALUE_LENGTH, true);
  }

  private writeValue(start: number, value: CacheValue, valueLength: number): void {
    switch (value.type) {
      case "string":
        this.bytes.write(value.value, start, valueLength, "utf8");
        return;
      case "int":
        this.view.setBigInt64(start, value.value, true);
        return;
      case "float":
        this.view.setFloat64(start, value.value, true);
        return;
      case "bytes":
        this.bytes.set(value.value, start);
    }
  }
}
