import { ByteReader, ModuleCapError, encodeU32 } from "./wasm-sections.js";

/**
 * Caps the tables a module may grow, the way memory-cap.ts caps its memory: the maxima of
 * the table section are rewritten so that all the module's tables together hold at most
 * `maxElements` entries (what their initial sizes leave is shared evenly between them). `table.grow` past a maximum answers -1 inside the engine, so a
 * plugin cannot fill the host's heap with table entries (V8 keeps them there, and a worker
 * running out of heap inside `table.grow` takes the whole process down).
 */
export const TABLE_SECTION = 4;
/** More tables than any compiler emits; each costs the host memory even when empty. */
export const MAX_TABLES = 64;
const FUNCREF = 0x70;
const EXTERNREF = 0x6f;

interface TableType {
  readonly refType: number;
  readonly min: number;
  readonly declaredMax: number;
}

export function capTableSection(content: Uint8Array, maxElements: number): Uint8Array {
  const reader = new ByteReader(content, 0);
  const count = reader.u32();
  if (count > MAX_TABLES) throw new ModuleCapError(`the module declares ${count} tables, more than the ${MAX_TABLES} allowed`);
  const tables = Array.from({ length: count }, () => readTableType(reader));
  const initial = tables.reduce((sum, table) => sum + table.min, 0);
  if (initial > maxElements) {
    throw new ModuleCapError(
      `the module's tables ask for ${initial} initial elements, above the cap of ${maxElements} elements`,
    );
  }
  // What the initial sizes leave of the cap is shared evenly, each table up to its own maximum.
  const share = Math.floor((maxElements - initial) / Math.max(count, 1));
  const body: number[] = [...encodeU32(count)];
  for (const { refType, min, declaredMax } of tables) {
    body.push(refType, 0x01, ...encodeU32(min), ...encodeU32(Math.min(declaredMax, min + share)));
  }
  return Uint8Array.from(body);
}

function readTableType(reader: ByteReader): TableType {
  const refType = reader.byte();
  if (refType !== FUNCREF && refType !== EXTERNREF) {
    throw new ModuleCapError(`a table of type 0x${refType.toString(16)} is not supported (only funcref and externref)`);
  }
  const flags = reader.byte();
  if (flags > 0x01) throw new ModuleCapError(`table limits with flags 0x${flags.toString(16)} are not supported`);
  const min = reader.u32();
  const declaredMax = flags & 0x01 ? reader.u32() : Infinity;
  return { refType, min, declaredMax };
}
