import { importOwnMemory } from "./gen2-memory-import.js";
import { markRenewable } from "./gen2-renewal.js";
import { MEMORY_SECTION, capMemorySection } from "./memory-cap.js";
import { TABLE_SECTION, capTableSection } from "./table-cap.js";
import { ModuleCapError, rewriteSections } from "./wasm-sections.js";

/** The most a module's instance may hold: linear memory in bytes, table entries in all. */
export interface ModuleCaps {
  readonly memoryLimitBytes: number;
  readonly maxTableElements: number;
}

/**
 * The module with its memory and tables capped (a generation-2 module's memory then
 * imported, see gen2-memory-import.ts, and the module marked renewable when it is, see
 * gen2-renewal.ts); throws ModuleCapError when it cannot be.
 */
export function capModule(wasm: Uint8Array, caps: ModuleCaps): Uint8Array<ArrayBuffer> {
  const capped = rewriteSections(wasm, {
    [TABLE_SECTION]: (content) => capTableSection(content, caps.maxTableElements),
    [MEMORY_SECTION]: (content) => capMemorySection(content, caps.memoryLimitBytes),
  });
  return markRenewable(importOwnMemory(capped)) as Uint8Array<ArrayBuffer>;
}

/**
 * Compiles the module with its caps. Throws ModuleCapError when a valid module does not fit
 * them; a module too broken to cap goes to the compiler, whose error says what is wrong.
 */
export async function compileCapped(wasm: Uint8Array, caps: ModuleCaps): Promise<WebAssembly.Module> {
  let capped: Uint8Array<ArrayBuffer>;
  try {
    capped = capModule(wasm, caps);
  } catch (error) {
    const raw = wasm as Uint8Array<ArrayBuffer>;
    if (error instanceof ModuleCapError && !WebAssembly.validate(raw)) return WebAssembly.compile(raw);
    throw error;
  }
  return WebAssembly.compile(capped);
}
