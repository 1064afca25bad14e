/**
 * Reading and rewriting the sections of a WebAssembly binary, for the caps the host puts
 * on a module before compiling it (memory and tables).
 */
const HEADER_BYTES = 8;

/** The module cannot be capped: malformed, or it asks for more than a cap allows. */
export class ModuleCapError extends Error {}

/** Rewrites the content of the sections that have a rewriter; the others are copied as they are. */
export function rewriteSections(
  wasm: Uint8Array,
  rewriters: Readonly<Record<number, (content: Uint8Array) => Uint8Array>>,
): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [wasm.subarray(0, HEADER_BYTES)];
  const reader = new ByteReader(wasm, HEADER_BYTES);
  while (reader.offset < wasm.length) {
    const sectionStart = reader.offset;
    const id = reader.byte();
    const size = reader.u32();
    const contentEnd = reader.offset + size;
    if (contentEnd > wasm.length) throw new ModuleCapError("truncated module");
    const rewrite = rewriters[id];
    if (rewrite) {
      const content = rewrite(wasm.subarray(reader.offset, contentEnd));
      parts.push(Uint8Array.of(id), Uint8Array.from(encodeU32(content.length)), content);
    } else {
      parts.push(wasm.subarray(sectionStart, contentEnd));
    }
    reader.offset = contentEnd;
  }
  return concat(...parts);
}

/** Whether a well-formed module has a section of this id (8: a start function). */
export function hasSection(wasm: Uint8Array, sectionId: number): boolean {
  const reader = new ByteReader(wasm, HEADER_BYTES);
  while (reader.offset < wasm.length) {
    const id = reader.byte();
    const size = reader.u32();
    if (id === sectionId) return true;
    reader.offset += size;
  }
  return false;
}

/** Reads bytes and LEB128 numbers; running off the end is a ModuleCapError. */
export class ByteReader {
  constructor(
    private readonly bytes: Uint8Array,
    public offset: number,
  ) {}

  byte(): number {
    const value = this.bytes[this.offset++];
    if (value === undefined) throw new ModuleCapError("truncated module");
    return value;
  }

  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new ModuleCapError("malformed LEB128 number");
  }
}

export function encodeU32(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
