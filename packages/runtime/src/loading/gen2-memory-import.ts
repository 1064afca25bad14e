import { gen2 } from "@nd/protocol";
import { MEMORY_SECTION } from "./memory-cap.js";
import {
  ByteReader,
  CUSTOM_SECTION,
  HEADER_BYTES,
  IMPORT_SECTION,
  KIND_MEMORY,
  ModuleCapError,
  concat,
  customSectionName,
  encodeU32,
  importEntries,
  name,
  readSections,
  sectionOf,
  type Section,
} from "./wasm-sections.js";

/**
 * Where a generation-2 module finds its linear memory once nd has rewritten it: an import
 * instead of its own memory section. Every call gets a fresh instance, and a new memory
 * costs more than the rest of an instance (the engine reserves its address space, then
 * the garbage collector frees it); an imported one can be zeroed and handed to the next
 * instance of the same plugin version, which sees the same bytes as in a new memory.
 */
export const OWN_MEMORY_IMPORT = { module: "nd:memory", name: "memory" } as const;
/** The custom section holding the memory's limits (initial and maximum pages, LEB128): the engine's API does not tell them. */
export const OWN_MEMORY_LIMITS_SECTION = "nd:memory-limits";

const EXTISM_MODULES: readonly string[] = [gen2.KERNEL_MODULE, gen2.USER_MODULE];
const MAX_PRESENT = 0x01;
const SHARED = 0x02;

interface MemoryLimits {
  readonly flags: number;
  readonly min: number;
  readonly max: number;
}

/**
 * A capped module that imports from `extism:host/*` and has one memory of its own, with
 * that memory turned into the OWN_MEMORY_IMPORT import (same index, same limits); any
 * other module as it is. A module that names nd's own import or section itself is refused.
 */
export function importOwnMemory(wasm: Uint8Array): Uint8Array {
  const sections = readSections(wasm);
  const imports = sections.find((section) => section.id === IMPORT_SECTION);
  const memories = sections.find((section) => section.id === MEMORY_SECTION);
  if (!imports) return wasm;
  const { entries, rest } = importEntries(imports.content);
  if (entries.some((entry) => entry.module === OWN_MEMORY_IMPORT.module) || sections.some(isOwnLimitsSection)) {
    throw new ModuleCapError(`the module uses "${OWN_MEMORY_IMPORT.module}", a name nd keeps for itself`);
  }
  if (!entries.some((entry) => EXTISM_MODULES.includes(entry.module)) || entries.some((entry) => entry.kind === KIND_MEMORY)) return wasm;
  const limits = memories && soleMemory(memories.content);
  if (!limits) return wasm;
  const parts = sections.map((section) => {
    if (section.id === MEMORY_SECTION) return new Uint8Array();
    if (section.id !== IMPORT_SECTION) return section.bytes;
    return sectionOf(IMPORT_SECTION, concat(Uint8Array.from(encodeU32(entries.length + 1)), rest, memoryImport(limits)));
  });
  const limitsContent = concat(name(OWN_MEMORY_LIMITS_SECTION), Uint8Array.from([...encodeU32(limits.min), ...encodeU32(limits.max)]));
  return concat(wasm.subarray(0, HEADER_BYTES), ...parts, sectionOf(CUSTOM_SECTION, limitsContent));
}

/** The limits OWN_MEMORY_LIMITS_SECTION holds, in pages. */
export function ownMemoryLimits(content: Uint8Array): { readonly initialPages: number; readonly maximumPages: number } {
  const reader = new ByteReader(content, 0);
  return { initialPages: reader.u32(), maximumPages: reader.u32() };
}

function isOwnLimitsSection(section: Section): boolean {
  return customSectionName(section) === OWN_MEMORY_LIMITS_SECTION;
}

/** The one memory of a capped memory section (its maximum is always there), unless it is shared or not alone. */
function soleMemory(content: Uint8Array): MemoryLimits | undefined {
  const reader = new ByteReader(content, 0);
  if (reader.u32() !== 1) return undefined;
  const flags = reader.byte();
  if (flags & SHARED || !(flags & MAX_PRESENT)) return undefined;
  return { flags, min: reader.u32(), max: reader.u32() };
}

function memoryImport({ flags, min, max }: MemoryLimits): Uint8Array {
  return concat(name(OWN_MEMORY_IMPORT.module), name(OWN_MEMORY_IMPORT.name), Uint8Array.from([KIND_MEMORY, flags, ...encodeU32(min), ...encodeU32(max)]));
}
