import { TrapError } from "../trap.js";

/**
 * A handle is `index × 2³² + offset`: the plugin may add to a handle to reach a byte inside
 * its block. Handles stay below 2⁵³, so the host reads them as plain numbers.
 */
const INDEX_UNIT = 2 ** 32;
/** Block indexes up to this keep a handle a safe integer; index 0 is the null handle. */
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
  /** A view of each block read or written 8 bytes at a time, made at the first such access. */
  private readonly views: (DataView | undefined)[] = [undefined];
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
    this.views[index] = undefined;
    this.liveBytes += length;
    return BigInt(index * INDEX_UNIT);
  }

  /** A new block holding `bytes`; the null handle when empty. */
  put(bytes: Uint8Array): bigint {
    const handle = this.alloc(BigInt(bytes.length));
    if (handle !== 0n) this.blocks[indexOf(Number(handle))]!.set(bytes);
    return handle;
  }

  /** Frees the block that starts at the handle; null and unknown handles are ignored. */
  free(handle: bigint): void {
    const at = Number(handle);
    const block = this.blockAt(at);
    if (!block || offsetOf(at) !== 0) return;
    const index = indexOf(at);
    this.blocks[index] = undefined;
    this.views[index] = undefined;
    this.freed.push(index);
    this.liveBytes -= block.length;
  }

  /** The length of the live block starting exactly at the handle, else 0. */
  length(handle: bigint): bigint {
    const at = Number(handle);
    const block = this.blockAt(at);
    return block && offsetOf(at) === 0 ? BigInt(block.length) : 0n;
  }

  /** The bytes of a block from the handle to its end, as a view (copy before the plugin runs again). */
  bytesFrom(handle: bigint): Uint8Array {
    const at = Number(handle);
    const block = this.blockAt(at);
    const offset = offsetOf(at);
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

  loadU8(handle: bigint): number {
    const at = Number(handle);
    return this.blockFor(at, 1, handle)[offsetOf(at)]!;
  }

  storeU8(handle: bigint, value: number): void {
    const at = Number(handle);
    this.blockFor(at, 1, handle)[offsetOf(at)] = value;
  }

  loadU64(handle: bigint): bigint {
    const at = Number(handle);
    return this.viewFor(at, handle).getBigUint64(offsetOf(at), true);
  }

  storeU64(handle: bigint, value: bigint): void {
    const at = Number(handle);
    this.viewFor(at, handle).setBigUint64(offsetOf(at), BigInt.asUintN(64, value), true);
  }

  /** The block holding `size` bytes at the handle; a trap when they lie outside every block. */
  private blockFor(at: number, size: number, handle: bigint): Uint8Array {
    const block = this.blockAt(at);
    if (!block || offsetOf(at) + size > block.length) {
      throw new TrapError(`the plugin passed ${size} bytes at kernel handle 0x${handle.toString(16)}, outside its blocks`);
    }
    return block;
  }

  private viewFor(at: number, handle: bigint): DataView {
    const block = this.blockFor(at, 8, handle);
    const index = indexOf(at);
    return (this.views[index] ??= new DataView(block.buffer, block.byteOffset, block.byteLength));
  }

  private blockAt(at: number): Uint8Array | undefined {
    if (!(at > 0)) return undefined;
    return this.blocks[indexOf(at)];
  }
}

function indexOf(at: number): number {
  return Math.floor(at / INDEX_UNIT);
}

function offsetOf(at: number): number {
  return at % INDEX_UNIT;
}
