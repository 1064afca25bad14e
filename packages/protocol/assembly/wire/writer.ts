/** Builds a protobuf-encoded message (proto3 wire format) in a growable buffer. */
export class Writer {
  private buffer: Uint8Array = new Uint8Array(64);
  private length: i32 = 0;

  private reserve(extra: i32): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length << 1;
    while (capacity < needed) capacity <<= 1;
    const grown = new Uint8Array(capacity);
    memory.copy(grown.dataStart, this.buffer.dataStart, <usize>this.length);
    this.buffer = grown;
  }

  private byte(value: u32): void {
    this.reserve(1);
    store<u8>(this.buffer.dataStart + <usize>this.length, <u8>value);
    this.length += 1;
  }

  private raw(pointer: usize, length: i32): void {
    this.reserve(length);
    memory.copy(this.buffer.dataStart + <usize>this.length, pointer, <usize>length);
    this.length += length;
  }

  private varint(value: u64): void {
    while (value >= 0x80) {
      this.byte(<u32>(value & 0x7f) | 0x80);
      value >>= 7;
    }
    this.byte(<u32>value);
  }

  private tag(field: u32, wireType: u32): void {
    this.varint(<u64>((field << 3) | wireType));
  }

  int32(field: u32, value: i32): void {
    this.tag(field, 0);
    this.varint(<u64>(<i64>value)); // negative int32 is sign-extended to ten bytes
  }

  int64(field: u32, value: i64): void {
    this.tag(field, 0);
    this.varint(<u64>value);
  }

  uint32(field: u32, value: u32): void {
    this.tag(field, 0);
    this.varint(<u64>value);
  }

  uint64(field: u32, value: u64): void {
    this.tag(field, 0);
    this.varint(value);
  }

  bool(field: u32, value: bool): void {
    this.tag(field, 0);
    this.byte(value ? 1 : 0);
  }

  double(field: u32, value: f64): void {
    this.tag(field, 1);
    this.reserve(8);
    store<f64>(this.buffer.dataStart + <usize>this.length, value);
    this.length += 8;
  }

  float(field: u32, value: f32): void {
    this.tag(field, 5);
    this.reserve(4);
    store<f32>(this.buffer.dataStart + <usize>this.length, value);
    this.length += 4;
  }

  string(field: u32, value: string): void {
    const utf8 = String.UTF8.encode(value);
    this.tag(field, 2);
    this.varint(<u64>utf8.byteLength);
    this.raw(changetype<usize>(utf8), utf8.byteLength);
  }

  /** A bytes field, or an embedded message already encoded to bytes. */
  bytes(field: u32, value: Uint8Array): void {
    this.tag(field, 2);
    this.varint(<u64>value.length);
    this.raw(value.dataStart, value.length);
  }

  /** The encoded message, trimmed to its length. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
