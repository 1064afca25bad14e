import { MEMORY_SECTION, capMemorySection } from "./memory-cap.js";
import { TABLE_SECTION, capTableSection } from "./table-cap.js";
import { rewriteSections } from "./wasm-sections.js";

/** The most a module's instance may hold: linear memory in bytes, table entries in all. */
export interface ModuleCaps {
  readonly memoryLimitBytes: number;
  readonly maxTableElements: number;
}

/** The module with its memory and tables capped; throws ModuleCapError when it cannot be. */
export function capModule(wasm: Uint8Array, caps: ModuleCaps): Uint8Array<ArrayBuffer> {
  return rewriteSections(wasm, {
    [TABLE_SECTION]: (content) => capTableSection(content, caps.maxTableElements),
    [MEMORY_SECTION]: (content) => capMemorySection(content, caps.memoryLimitBytes),
  });
}
