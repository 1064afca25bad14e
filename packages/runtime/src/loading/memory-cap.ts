import { ByteReader, ModuleCapError, encodeU32 } from "./wasm-sections.js";

/**
 * Caps the linear memory a module may grow to by rewriting the maximum of its memory
 * section. WebAssembly then refuses `memory.grow` past the cap inside the engine, so no
 * plugin code can exceed it, whatever language it was written in.
 */
export const MEMORY_SECTION = 5;
const WASM_PAGE = 65536;

export function capMemorySection(content: Uint8Array, maxBytes: number): Uint8Array {
  const maxPages = Math.floor(maxBytes / WASM_PAGE);
  const reader = new ByteReader(content, 0);
  const count = reader.u32();
  const body: number[] = [...encodeU32(count)];
  for (let i = 0; i < count; i++) {
    const flags = reader.byte();
    if (flags > 0x03) throw new ModuleCapError("64-bit memories are not supported");
    const min = reader.u32();
    const declaredMax = flags & 0x01 ? reader.u32() : Infinity;
    if (min > maxPages) {
      throw new ModuleCapError(`the module asks for ${kib(min)} of initial memory, above the ${kib(maxPages)} cap`);
    }
    body.push(flags | 0x01, ...encodeU32(min), ...encodeU32(Math.min(declaredMax, maxPages)));
  }
  return Uint8Array.from(body);
}

function kib(pages: number): string {
  return `${(pages * WASM_PAGE) / 1024} KiB`;
}
