import { ByteReader } from "./wasm-sections.js";

/**
 * Reads a module's code instruction by instruction to learn whether any of it changes an
 * instance's state outside its linear memory and mutable globals: a table (set, grow, fill,
 * copy, init) or a segment (`data.drop`, `elem.drop`). Instructions of the core format,
 * sign extension, saturating conversions, bulk memory, reference types, multiple values and
 * tail calls are read; any other (SIMD, threads, exceptions, GC) makes the answer "it may".
 */

/** Value and reference types one byte long (i32 … v128, funcref, externref). */
const ONE_BYTE_TYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);
const EMPTY_BLOCK = 0x40;
const TABLE_SET = 0x26;
const MISC_PREFIX = 0xfc;
/** Under MISC_PREFIX: data.drop, table.init, elem.drop, table.copy, table.grow, table.fill. */
const MUTATING_MISC = new Set([9, 12, 13, 14, 15, 17]);

/** Thrown inside the scan when an instruction is one it does not read. */
class Unread extends Error {}

/** Whether the code section's functions may change a table or a segment (true also for code it cannot read). */
export function codeMayChangeTablesOrSegments(codeSection: Uint8Array): boolean {
  try {
    const reader = new ByteReader(codeSection, 0);
    const count = reader.u32();
    for (let i = 0; i < count; i++) {
      const size = reader.u32();
      const end = reader.offset + size;
      skipLocals(reader);
      if (instructionsChangeState(reader, end)) return true;
      reader.offset = end;
    }
    return false;
  } catch {
    return true;
  }
}

/** Skips a constant expression (a global's initial value), up to and including its `end`. */
export function skipConstantExpression(reader: ByteReader): void {
  for (;;) {
    const opcode = reader.byte();
    if (opcode === 0x0b) return;
    if (readInstruction(reader, opcode)) throw new Unread();
  }
}

function skipLocals(reader: ByteReader): void {
  const groups = reader.u32();
  for (let i = 0; i < groups; i++) {
    reader.u32();
    skipValueType(reader);
  }
}

function instructionsChangeState(reader: ByteReader, end: number): boolean {
  while (reader.offset < end) {
    if (readInstruction(reader, reader.byte())) return true;
  }
  // Reading past the body means an instruction was misread.
  if (reader.offset !== end) throw new Unread();
  return false;
}

/** Reads one instruction's immediates; true when the instruction changes a table or a segment. */
function readInstruction(reader: ByteReader, opcode: number): boolean {
  if (opcode === TABLE_SET) return true;
  if (opcode === MISC_PREFIX) return readMisc(reader);
  const immediates = IMMEDIATES[opcode];
  if (!immediates) throw new Unread();
  immediates(reader);
  return false;
}

function readMisc(reader: ByteReader): boolean {
  const sub = reader.u32();
  if (MUTATING_MISC.has(sub)) return true;
  if (sub <= 7) return false;
  if (sub === 8 || sub === 10) (reader.u32(), reader.u32());
  else if (sub === 11 || sub === 16) reader.u32();
  else throw new Unread();
  return false;
}

type Immediates = (reader: ByteReader) => void;

const none: Immediates = () => {};
const index: Immediates = (reader) => void reader.u32();
const twoIndexes: Immediates = (reader) => (reader.u32(), reader.u32());
const bytes = (count: number): Immediates => (reader) => void reader.take(count);
/** Loads and stores: alignment (bit 6 says a memory index follows) and offset. */
const memoryArgument: Immediates = (reader) => {
  const align = reader.u32();
  if (align & 0x40) reader.u32();
  leb(reader);
};

function blockType(reader: ByteReader): void {
  const first = reader.byte();
  if (first === EMPTY_BLOCK || ONE_BYTE_TYPES.has(first)) return;
  // A type index is a non-negative s33: one byte of it never has the sign bit.
  if ((first & 0xc0) === 0x40) throw new Unread();
  reader.offset--;
  leb(reader);
}

/** Skips a value type one byte long; any other is not read. */
export function skipValueType(reader: ByteReader): void {
  if (!ONE_BYTE_TYPES.has(reader.byte())) throw new Unread();
}

/** Any LEB128 number, signed or not, up to 64 bits. */
function leb(reader: ByteReader): void {
  for (let i = 0; i < 10; i++) if ((reader.byte() & 0x80) === 0) return;
  throw new Unread();
}

function brTable(reader: ByteReader): void {
  const targets = reader.u32();
  for (let i = 0; i <= targets; i++) reader.u32();
}

function typedSelect(reader: ByteReader): void {
  const count = reader.u32();
  for (let i = 0; i < count; i++) skipValueType(reader);
}

function range(from: number, to: number, immediates: Immediates): Record<number, Immediates> {
  return Object.fromEntries(Array.from({ length: to - from + 1 }, (_, i) => [from + i, immediates]));
}

const IMMEDIATES: Readonly<Record<number, Immediates>> = {
  0x00: none, // unreachable
  0x01: none, // nop
  0x02: blockType, // block
  0x03: blockType, // loop
  0x04: blockType, // if
  0x05: none, // else
  0x0b: none, // end
  0x0c: index, // br
  0x0d: index, // br_if
  0x0e: brTable,
  0x0f: none, // return
  0x10: index, // call
  0x11: twoIndexes, // call_indirect
  0x12: index, // return_call
  0x13: twoIndexes, // return_call_indirect
  0x1a: none, // drop
  0x1b: none, // select
  0x1c: typedSelect,
  ...range(0x20, 0x24, index), // local.get … global.set
  0x25: index, // table.get
  ...range(0x28, 0x3e, memoryArgument), // loads and stores
  0x3f: index, // memory.size
  0x40: index, // memory.grow
  0x41: leb, // i32.const
  0x42: leb, // i64.const
  0x43: bytes(4), // f32.const
  0x44: bytes(8), // f64.const
  ...range(0x45, 0xc4, none), // numeric instructions and sign extension
  0xd0: leb, // ref.null
  0xd1: none, // ref.is_null
  0xd2: index, // ref.func
};
