/**
 * Reads a protobuf-encoded message (proto3 wire format) straight from linear memory.
 * Malformed input never traps: the reader sets `failed` and stops, and the
 * generated `decode` then answers null.
 */
export class Reader {
  failed: bool = false;

  constructor(public position: usize, public end: usize) {}

  /** True when there is nothing more to read in the current message. */
  done(): bool {
    return this.failed || this.position >= this.end;
  }

  private fail(): void {
    this.failed = true;
    this.position = this.end;
  }

  private has(count: usize): bool {
    if (this.end - this.position >= count) return true;
    this.fail();
    return false;
  }

  private varint(): u64 {
    let result: u64 = 0;
    for (let shift: u64 = 0; shift < 64; shift += 7) {
      if (!this.has(1)) return 0;
      const byte = <u64>load<u8>(this.position);
      this.position += 1;
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return result;
    }
    this.fail();
    return 0;
  }

  /** The next field's tag: field number << 3 | wire type. */
  tag(): u32 {
    const tag = <u32>this.varint();
    if (tag >>> 3 == 0) this.fail();
    return tag;
  }

  int32(): i32 {
    return <i32>this.varint();
  }

  int64(): i64 {
    return <i64>this.varint();
  }

  uint32(): u32 {
    return <u32>this.varint();
  }

  uint64(): u64 {
    return this.varint();
  }

  bool(): bool {
    return this.varint() != 0;
  }

  double(): f64 {
    if (!this.has(8)) return 0;
    const value = load<f64>(this.position);
    this.position += 8;
    return value;
  }

  float(): f32 {
    if (!this.has(4)) return 0;
    const value = load<f32>(this.position);
    this.position += 4;
    return value;
  }

  private length(): usize {
    const length = this.varint();
    if (length > <u64>(this.end - this.position)) {
      this.fail();
      return 0;
    }
    return <usize>length;
  }

  string(): string {
    const length = this.length();
    const value = String.UTF8.decodeUnsafe(this.position, length);
    this.position += length;
    return value;
  }

  /** Copies the bytes out: the input memory is freed after the call. */
  bytes(): Uint8Array {
    const length = this.length();
    const value = new Uint8Array(<i32>length);
    memory.copy(value.dataStart, this.position, length);
    this.position += length;
    return value;
  }

  /** Narrows reading to an embedded message; returns the outer end for `leave`. */
  enter(): usize {
    const length = this.length();
    const outerEnd = this.end;
    this.end = this.position + length;
    return outerEnd;
  }

  leave(outerEnd: usize): void {
    this.position = this.end;
    this.end = outerEnd;
  }

  /** Skips a field this code does not know (or whose wire type it does not expect). */
  skip(wireType: u32): void {
    if (wireType == 0) this.varint();
    else if (wireType == 1) this.skipBytes(8);
    else if (wireType == 2) this.skipBytes(this.length());
    else if (wireType == 5) this.skipBytes(4);
    else this.fail(); // groups (3, 4) are not proto3; anything else is garbage
  }

  private skipBytes(count: usize): void {
    if (this.has(count)) this.position += count;
  }
}
