import { TrapError } from "./trap.js";

/**
 * Bounds-checked access to a plugin's linear memory. Every pointer and length a
 * plugin hands over goes through here, so none can reach outside its memory.
 */
export class PluginMemory {
  constructor(private readonly memory: WebAssembly.Memory) {}

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  read(ptr: number, len: number): Uint8Array {
    this.check(ptr, len);
    return new Uint8Array(this.memory.buffer, ptr, len).slice();
  }

  /** The bytes at `ptr` in place, not copied: for reading before the plugin runs again. */
  bytes(ptr: number, len: number): Uint8Array {
    this.check(ptr, len);
    return new Uint8Array(this.memory.buffer, ptr, len);
  }

  write(ptr: number, bytes: Uint8Array): void {
    this.check(ptr, bytes.length);
    new Uint8Array(this.memory.buffer, ptr, bytes.length).set(bytes);
  }

  /** Checks that `len` bytes at `ptr` lie inside the memory and returns `ptr`. */
  range(ptr: number, len: number): number {
    this.check(ptr, len);
    return ptr;
  }

  view(): DataView {
    return new DataView(this.memory.buffer);
  }

  private check(ptr: number, len: number): void {
    const inBounds =
      Number.isInteger(ptr) && Number.isInteger(len) && ptr >= 0 && len >= 0 && ptr + len <= this.byteLength;
    if (!inBounds) {
      throw new TrapError(
        `the plugin passed memory range ${ptr}+${len}, outside its ${this.byteLength}-byte memory`,
      );
    }
  }
}
