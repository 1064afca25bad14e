import { TrapError } from "../trap.js";

/** A handle is `index << 48 | offset`: the plugin may add to a handle to reach a byte inside its block. */
const INDEX_SHIFT = 48n;
const OFFSET_MASK = (1n << INDEX_SHIFT) - 1n;
/** Block indexes fit the 15 bits above the offset (a handle stays a positive i64); index 0 is the null handle. */
const MAX_BLOCKS = 0x7fff;

/** Kernel memory past the instance's memory cap: the call fails with PluginMemoryError. */
export class KernelMemoryError extends TrapError {
  override name = "KernelMemoryError";
}

/**
 * The Extism kernel's memory blocks of one instance, kept on the host's side, never in the
 * plugin's linear memory. Every handle the plugin hands over is checked here. The bytes of
 * live blocks count toward the instance's memory cap (`room` says how many it may hold).
 */
export class BlockArena {
  private readonly blocks: (Uint8Array | undefined)[] = [undefined];
  private readonly freed: number[] = [];
  private liveBytes = 0;

  constructor(private readonly room: () => number) {}

  /** Bytes the live blocks hold. */
  get bytes(): number {
    return this.liveBytes;
  }

  /** A new zeroed block of `size` bytes; the null handle for 0 bytes. */
  alloc(size: bigint): bigint {
    if (size <= 0n) return 0n;
    const length = Number(size);
    if (this.liveBytes + length > this.room()) {
      throw new KernelMemoryError(
        `out of memory: the plugin asked the kernel for a block of ${length} bytes with ${this.liveBytes} bytes in blocks already`,
      );
    }
    const index = this.freed.pop() ?? this.blocks.length;
    if (index > MAX_BLOCKS) throw new KernelMemoryError(`out of memory: the plugin holds ${MAX_BLOCKS} kernel blocks`);
    this.blocks[index] = new Uint8Array(length);
    this.liveBytes += length;
    return BigInt(index) << INDEX_SHIFT;
  }

  /** A new block holding `bytes`; the null handle when empty. */
  put(bytes: Uint8Array): bigint {
    const handle = this.alloc(BigInt(bytes.length));
    if (handle !== 0n) this.blocks[indexOf(handle)]!.set(bytes);
    return handle;
  }

  /** Frees the block that starts at the handle; null and unknown handles are ignored. */
  free(handle: bigint): void {
    const block = this.blockAt(handle);
    if (!block || offsetOf(handle) !== 0) return;
    const index = indexOf(handle);
    this.blocks[index] = undefined;
    this.freed.push(index);
    this.liveBytes -= block.length;
  }

  /** The length of the live block starting exactly at the handle, else 0. */
  length(handle: bigint): bigint {
    const block = this.blockAt(handle);
    return block && offsetOf(handle) === 0 ? BigInt(block.length) : 0n;
  }

  /** The bytes of a block from the handle to its end, as a view (copy before the plugin runs again). */
  bytesFrom(handle: bigint): Uint8Array {
    const block = this.blockAt(handle);
    const offset = offsetOf(handle);
    if (!block || offset > block.length) throw new TrapError(`the plugin passed a kernel handle 0x${handle.toString(16)} that names no block`);
    return block.subarray(offset);
  }

  /** `length` bytes at the handle, checked to lie inside its block. */
  slice(handle: bigint, length: bigint): Uint8Array {
    const bytes = this.bytesFrom(handle);
    if (length < 0n || length > BigInt(bytes.length)) {
      throw new TrapError(`the plugin passed ${length} bytes at kernel handle 0x${handle.toString(16)}, past the end of its block`);
    }
    return bytes.subarray(0, Number(length));
  }

  private blockAt(handle: bigint): Uint8Array | undefined {
    if (handle <= 0n) return undefined;
    return this.blocks[indexOf(handle)];
  }
}

function indexOf(handle: bigint): number {
  return Number(handle >> INDEX_SHIFT);
}

function offsetOf(handle: bigint): number {
  return Number(handle & OFFSET_MASK);
}
