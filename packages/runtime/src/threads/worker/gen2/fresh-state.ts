import { GLOBAL_EXPORT_PREFIX, RENEWABLE_SECTION } from "../../../loading/gen2-renewal.js";
import type { PluginImage } from "../messages.js";
import { maxKeptMemoryBytes } from "./own-memories.js";

/** The snapshot keeps the memory's chunks of this size that are not all zeros. */
const CHUNK_BYTES = 4096;

interface Chunk {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

interface Snapshot {
  readonly memoryBytes: number;
  /** Where the fresh memory is not zero: data segments, what a start function wrote. */
  readonly chunks: readonly Chunk[];
  readonly globalNames: readonly string[];
  readonly globalValues: readonly unknown[];
}

const snapshots = new WeakMap<PluginImage, Snapshot | null>();

/**
 * What an instance of a renewable plugin version (gen2-renewal.ts) held when it was new:
 * the bytes of its memory and the values of its mutable globals, taken from the version's
 * first unwatched instance (see import-watch.ts) right after it was made, before any of its
 * exports ran. Every instance of
 * the version starts the same when instantiating runs no code, or only a start function
 * that calls no import (the caller knows which, see spare-instances.ts).
 *
 * A version whose instances mount library folders is not renewed: its open files belong
 * to the instance.
 */
export class FreshState {
  private constructor(
    private readonly snapshot: Snapshot,
    private readonly globals: readonly WebAssembly.Global[],
  ) {}

  /** The fresh state of a new instance, or undefined when its version is not renewable. */
  static of(image: PluginImage, memory: WebAssembly.Memory, exports: WebAssembly.Exports): FreshState | undefined {
    let snapshot = snapshots.get(image);
    if (snapshot === undefined) {
      snapshot = renewable(image, memory) ? takeSnapshot(memory, exports) : null;
      snapshots.set(image, snapshot);
    }
    if (!snapshot) return undefined;
    return new FreshState(snapshot, snapshot.globalNames.map((name) => exports[name] as WebAssembly.Global));
  }

  /** Writes the fresh state back into the instance; false when its memory grew (a memory cannot shrink). */
  restore(memory: WebAssembly.Memory): boolean {
    const buffer = memory.buffer;
    if (buffer.byteLength !== this.snapshot.memoryBytes) return false;
    const bytes = new Uint8Array(buffer);
    bytes.fill(0);
    for (const chunk of this.snapshot.chunks) bytes.set(chunk.bytes, chunk.offset);
    const values = this.snapshot.globalValues;
    for (let i = 0; i < values.length; i++) this.globals[i]!.value = values[i];
    return true;
  }
}

function renewable(image: PluginImage, memory: WebAssembly.Memory): boolean {
  return (
    image.gen2?.libraryMounts.length === 0 &&
    memory.buffer.byteLength <= maxKeptMemoryBytes(image) &&
    WebAssembly.Module.customSections(image.module, RENEWABLE_SECTION).length > 0
  );
}

function takeSnapshot(memory: WebAssembly.Memory, exports: WebAssembly.Exports): Snapshot {
  const globalNames = Object.keys(exports).filter((name) => name.startsWith(GLOBAL_EXPORT_PREFIX));
  return {
    memoryBytes: memory.buffer.byteLength,
    chunks: nonZeroChunks(memory.buffer),
    globalNames,
    globalValues: globalNames.map((name) => (exports[name] as WebAssembly.Global).value),
  };
}

/** A memory's size is a whole number of 64 KiB pages, so it divides into whole chunks. */
function nonZeroChunks(memory: ArrayBuffer): Chunk[] {
  const chunks: Chunk[] = [];
  for (let offset = 0; offset < memory.byteLength; offset += CHUNK_BYTES) {
    if (!allZero(new Uint32Array(memory, offset, CHUNK_BYTES / 4))) chunks.push({ offset, bytes: new Uint8Array(memory.slice(offset, offset + CHUNK_BYTES)) });
  }
  return chunks;
}

function allZero(words: Uint32Array): boolean {
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  return true;
}
