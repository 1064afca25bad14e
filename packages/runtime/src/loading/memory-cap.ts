/**
 * Caps the linear memory a module may grow to by rewriting the maximum of its
 * memory section. WebAssembly then refuses `memory.grow` past the cap inside the
 * engine, so no plugin code can exceed it, whatever language it was written in.
 */
const WASM_PAGE = 65536;
const MEMORY_SECTION = 5;
const HEADER_BYTES = 8;

export class MemoryCapError extends Error {}

export function capModuleMemory(wasm: Uint8Array, maxBytes: number): Uint8Array<ArrayBuffer> {
  const maxPages = Math.floor(maxBytes / WASM_PAGE);
  const reader = new ByteReader(wasm, HEADER_BYTES);
  while (reader.offset < wasm.length) {
    const sectionStart = reader.offset;
    const id = reader.byte();
    const size = reader.u32();
    const contentStart = reader.offset;
    if (id === MEMORY_SECTION) {
      const section = rewriteMemorySection(wasm.subarray(contentStart, contentStart + size), maxPages);
      return concat(wasm.subarray(0, sectionStart), section, wasm.subarray(contentStart + size));
    }
    reader.offset = contentStart + size;
  }
  return concat(wasm);
}

function rewriteMemorySection(content: Uint8Array, maxPages: number): Uint8Array {
  const reader = new ByteReader(content, 0);
  const count = reader.u32();
  const body: number[] = [...encodeU32(count)];
  for (let i = 0; i < count; i++) {
    const flags = reader.byte();
    if (flags > 0x03) throw new MemoryCapError("64-bit memories are not supported");
    const min = reader.u32();
    const declaredMax = flags & 0x01 ? reader.u32() : Infinity;
    if (min > maxPages) {
      throw new MemoryCapError(
        `the module asks for ${kib(min)} of initial memory, above the ${kib(maxPages)} cap`,
      );
    }
    body.push(flags | 0x01, ...encodeU32(min), ...encodeU32(Math.min(declaredMax, maxPages)));
  }
  const payload = Uint8Array.from(body);
  return concat(Uint8Array.of(MEMORY_SECTION), Uint8Array.from(encodeU32(payload.length)), payload);
}

function kib(pages: number): string {
  return `${(pages * WASM_PAGE) / 1024} KiB`;
}

class ByteReader {
  constructor(
    private readonly bytes: Uint8Array,
    public offset: number,
  ) {}

  byte(): number {
    const value = this.bytes[this.offset++];
    if (value === undefined) throw new MemoryCapError("truncated module");
    return value;
  }

  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new MemoryCapError("malformed LEB128 number");
  }
}

function encodeU32(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
