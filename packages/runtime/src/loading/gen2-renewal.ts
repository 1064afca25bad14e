import { OWN_MEMORY_LIMITS_SECTION } from "./gen2-memory-import.js";
import { codeMayChangeTablesOrSegments, skipConstantExpression, skipValueType } from "./instruction-scan.js";
import {
  ByteReader,
  CUSTOM_SECTION,
  EXPORT_SECTION,
  HEADER_BYTES,
  IMPORT_SECTION,
  KIND_FUNCTION,
  KIND_GLOBAL,
  KIND_MEMORY,
  ModuleCapError,
  concat,
  customSectionName,
  encodeU32,
  importEntries,
  name,
  readName,
  readSections,
  sectionOf,
  type Section,
} from "./wasm-sections.js";

/**
 * Which generation-2 modules may have an instance renewed instead of made anew for each
 * call. An instance of such a module keeps state in two places only: its linear memory
 * (imported, see gen2-memory-import.ts) and its mutable globals. Its code changes no table
 * and drops no segment, and it imports no table or global. So writing back the bytes and
 * values a fresh instance starts with makes the instance indistinguishable from a fresh
 * one, at the cost of a copy instead of the engine's instantiation.
 *
 * The mark is a custom section; the module's mutable globals are exported under
 * `nd:global:<index>` so the worker can read and write them back.
 */
export const RENEWABLE_SECTION = "nd:renewable";
export const GLOBAL_EXPORT_PREFIX = "nd:global:";

/** Writing back more globals than this after each call would cost more than it saves. */
const MAX_RENEWED_GLOBALS = 1024;
const GLOBAL_SECTION = 6;
const CODE_SECTION = 10;
const MUTABLE = 0x01;

/**
 * The module marked renewable, with its mutable globals exported, when it qualifies; as it
 * is otherwise. A module that uses nd's names for this itself is refused.
 */
export function markRenewable(wasm: Uint8Array): Uint8Array {
  const sections = readSections(wasm);
  const exports = sections.find((section) => section.id === EXPORT_SECTION);
  if (usesOwnNames(sections, exports)) {
    throw new ModuleCapError(`the module uses "${RENEWABLE_SECTION}" or "${GLOBAL_EXPORT_PREFIX}…", names nd keeps for itself`);
  }
  if (!exports || !qualifies(sections)) return wasm;
  const globals = sections.find((section) => section.id === GLOBAL_SECTION);
  const mutable = globals ? mutableGlobals(globals.content) : [];
  if (!mutable || mutable.length > MAX_RENEWED_GLOBALS) return wasm;
  const parts = sections.map((section) => (section === exports ? withGlobalExports(exports.content, mutable) : section.bytes));
  return concat(wasm.subarray(0, HEADER_BYTES), ...parts, sectionOf(CUSTOM_SECTION, name(RENEWABLE_SECTION)));
}

function usesOwnNames(sections: readonly Section[], exports: Section | undefined): boolean {
  if (sections.some((section) => customSectionName(section) === RENEWABLE_SECTION)) return true;
  return exports !== undefined && exportNames(exports.content).some((exportName) => exportName.startsWith(GLOBAL_EXPORT_PREFIX));
}

/** Its memory is nd's import, it imports only functions and that memory, and its code changes no table or segment. */
function qualifies(sections: readonly Section[]): boolean {
  if (!sections.some((section) => customSectionName(section) === OWN_MEMORY_LIMITS_SECTION)) return false;
  const imports = sections.find((section) => section.id === IMPORT_SECTION);
  if (imports && importEntries(imports.content).entries.some((entry) => entry.kind !== KIND_FUNCTION && entry.kind !== KIND_MEMORY)) return false;
  const code = sections.find((section) => section.id === CODE_SECTION);
  return !code || !codeMayChangeTablesOrSegments(code.content);
}

/** The indexes of the mutable globals the module defines (it imports none); undefined when one cannot be read. */
function mutableGlobals(content: Uint8Array): number[] | undefined {
  try {
    const reader = new ByteReader(content, 0);
    const count = reader.u32();
    const mutable: number[] = [];
    for (let index = 0; index < count; index++) {
      skipValueType(reader);
      if (reader.byte() & MUTABLE) mutable.push(index);
      skipConstantExpression(reader);
    }
    return mutable;
  } catch {
    return undefined;
  }
}

function exportNames(content: Uint8Array): string[] {
  const reader = new ByteReader(content, 0);
  return Array.from({ length: reader.u32() }, () => {
    const exportName = readName(reader);
    reader.byte();
    reader.u32();
    return exportName;
  });
}

function withGlobalExports(content: Uint8Array, globals: readonly number[]): Uint8Array {
  const reader = new ByteReader(content, 0);
  const count = reader.u32();
  const added = globals.map((index) => concat(name(`${GLOBAL_EXPORT_PREFIX}${index}`), Uint8Array.from([KIND_GLOBAL, ...encodeU32(index)])));
  return sectionOf(EXPORT_SECTION, concat(Uint8Array.from(encodeU32(count + globals.length)), content.subarray(reader.offset), ...added));
}
