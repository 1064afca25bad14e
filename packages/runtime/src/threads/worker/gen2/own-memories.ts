import { OWN_MEMORY_LIMITS_SECTION, ownMemoryLimits } from "../../../loading/gen2-memory-import.js";
import type { PluginImage } from "../messages.js";

const WASM_PAGE = 65536;
/** Zeroing or writing back a larger memory costs about what the engine's new one does. */
const MAX_KEPT_BYTES = 1024 * 1024;

/** The largest memory a worker keeps after a call to reuse it, zeroed or written back (fresh-state.ts). */
export function maxKeptMemoryBytes(image: PluginImage): number {
  return Math.min(MAX_KEPT_BYTES, image.maxIdleMemoryBytes);
}

interface Limits {
  readonly initial: number;
  readonly maximum: number;
}

/**
 * The linear memories of a worker's generation-2 instances whose module imports its memory
 * (gen2-memory-import.ts). A memory goes back after its instance's call, zeroed, only if it
 * never grew: the next instance of the same plugin version then gets exactly what a new
 * memory holds (its data segments are written when it is instantiated). At most
 * `maxIdleInstances` wait per version, each at most 1 MiB and `maxIdleMemoryBytes`, as idle
 * instances; they go with their version's image.
 */
export class OwnMemories {
  private readonly limits = new WeakMap<PluginImage, Limits | null>();
  private readonly free = new WeakMap<PluginImage, WebAssembly.Memory[]>();

  /** A memory for a new instance, or undefined when the module has its own. */
  take(image: PluginImage): WebAssembly.Memory | undefined {
    const limits = this.limitsOf(image);
    if (!limits) return undefined;
    return this.free.get(image)?.pop() ?? new WebAssembly.Memory(limits);
  }

  /** Takes back the memory of an instance whose call has ended (nothing runs in it any more). */
  give(image: PluginImage, memory: WebAssembly.Memory): void {
    const limits = this.limitsOf(image);
    const bytes = memory.buffer.byteLength;
    if (!limits || bytes !== limits.initial * WASM_PAGE || bytes > maxKeptMemoryBytes(image)) return;
    let free = this.free.get(image);
    if (!free) this.free.set(image, (free = []));
    if (free.length >= image.maxIdleInstances) return;
    new Uint8Array(memory.buffer).fill(0);
    free.push(memory);
  }

  private limitsOf(image: PluginImage): Limits | undefined {
    let limits = this.limits.get(image);
    if (limits === undefined) {
      const [section] = WebAssembly.Module.customSections(image.module, OWN_MEMORY_LIMITS_SECTION);
      const pages = section && ownMemoryLimits(new Uint8Array(section));
      // The cap holds whatever the section says.
      limits = pages ? { initial: pages.initialPages, maximum: Math.min(pages.maximumPages, Math.floor(image.memoryLimitBytes / WASM_PAGE)) } : null;
      this.limits.set(image, limits);
    }
    return limits ?? undefined;
  }
}
