/**
 * Reading and rewriting the sections of a WebAssembly binary, for the caps the host puts
 * on a module before compiling it (memory and tables).
 */
/** The magic number and version every module starts with. */
export const HEADER_BYTES = 8;
export const CUSTOM_SECTION = 0;

/** The module cannot be capped: malformed, or it asks for more than a cap allows. */
export class ModuleCapError extends Error {}

/** Rewrites the content of the sections that have a rewriter; the others are copied as they are. */
export function rewriteSections(
  wasm: Uint8Array,
  rewriters: Readonly<Record<number, (content: Uint8Array) => Uint8Array>>,
): Uint8Array<ArrayBuffer> {
  const parts = readSections(wasm).map(({ id, bytes, content }) => {
    const rewrite = rewriters[id];
    return rewrite ? sectionOf(id, rewrite(content)) : bytes;
  });
  return concat(wasm.subarray(0, HEADER_BYTES), ...parts);
}

/** Whether a well-formed module has a section of this id (8: a start function). */
export function hasSection(wasm: Uint8Array, sectionId: number): boolean {
  return readSections(wasm).some((section) => section.id === sectionId);
}

/** One section of a module. */
export interface Section {
  readonly id: number;
  /** The whole section, id and size included. */
  readonly bytes: Uint8Array;
  readonly content: Uint8Array;
}

/** The module's sections in order; a section running past the end is a ModuleCapError. */
export function readSections(wasm: Uint8Array): Section[] {
  const sections: Section[] = [];
  const reader = new ByteReader(wasm, HEADER_BYTES);
  while (reader.offset < wasm.length) {
    const start = reader.offset;
    const id = reader.byte();
    const size = reader.u32();
    const end = reader.offset + size;
    if (end > wasm.length) throw new ModuleCapError("truncated module");
    sections.push({ id, bytes: wasm.subarray(start, end), content: wasm.subarray(reader.offset, end) });
    reader.offset = end;
  }
  return sections;
}

/** A custom section's name; undefined for any other section. */
export function customSectionName(section: Section): string | undefined {
  if (section.id !== CUSTOM_SECTION) return undefined;
  return readName(new ByteReader(section.content, 0));
}

export function sectionOf(id: number, content: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(id), Uint8Array.from(encodeU32(content.length)), content);
}

/** A name as the binary format writes it: its UTF-8 length, then its bytes. */
export function name(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  return concat(Uint8Array.from(encodeU32(bytes.length)), bytes);
}

export function readName(reader: ByteReader): string {
  return new TextDecoder().decode(reader.take(reader.u32()));
}

export const IMPORT_SECTION = 2;
export const EXPORT_SECTION = 7;
export const KIND_FUNCTION = 0x00;
export const KIND_TABLE = 0x01;
export const KIND_MEMORY = 0x02;
export const KIND_GLOBAL = 0x03;
const MAX_PRESENT = 0x01;

/** The import section's entries (module and kind of each), and its bytes after the count. */
export function importEntries(content: Uint8Array): { entries: { module: string; kind: number }[]; rest: Uint8Array } {
  const reader = new ByteReader(content, 0);
  const count = reader.u32();
  const rest = content.subarray(reader.offset);
  const entries = Array.from({ length: count }, () => {
    const module = readName(reader);
    readName(reader);
    const kind = reader.byte();
    skipImportType(reader, kind);
    return { module, kind };
  });
  return { entries, rest };
}

function skipImportType(reader: ByteReader, kind: number): void {
  if (kind === KIND_FUNCTION) reader.u32();
  else if (kind === KIND_TABLE) (reader.byte(), skipLimits(reader));
  else if (kind === KIND_MEMORY) skipLimits(reader);
  else if (kind === KIND_GLOBAL) (reader.byte(), reader.byte());
  else throw new ModuleCapError(`the module imports something of kind ${kind}, which nd does not link`);
}

function skipLimits(reader: ByteReader): void {
  const flags = reader.byte();
  reader.u32();
  if (flags & MAX_PRESENT) reader.u32();
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

  /** The next `length` bytes, as a view; more than are left is a ModuleCapError. */
  take(length: number): Uint8Array {
    const end = this.offset + length;
    if (end > this.bytes.length) throw new ModuleCapError("truncated module");
    const taken = this.bytes.subarray(this.offset, end);
    this.offset = end;
    return taken;
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
