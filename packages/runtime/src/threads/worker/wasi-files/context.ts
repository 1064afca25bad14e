import type { PluginMemory } from "../plugin-memory.js";
import { TrapError } from "../trap.js";
import { Errno, errnoOf, WasiErrno } from "./errno.js";
import type { HandleTable } from "./handles.js";

export interface LibraryFileLimits {
  /** Files and folders a plugin instance may hold open at once (the mounts not counted). */
  readonly maxOpenFiles: number;
  /** Bytes one fd_read or fd_pread returns at most (a plugin reads a big file in several calls). */
  readonly maxReadBytes: number;
  /** Bytes one fd_write or fd_pwrite writes at most. */
  readonly maxWriteBytes: number;
  /** Entries one folder may have for fd_readdir. */
  readonly maxDirectoryEntries: number;
  /** Length of a path the plugin passes, in UTF-8 bytes. */
  readonly maxPathBytes: number;
}

export const DEFAULT_LIBRARY_FILE_LIMITS: LibraryFileLimits = {
  maxOpenFiles: 64,
  maxReadBytes: 1024 * 1024,
  maxWriteBytes: 1024 * 1024,
  maxDirectoryEntries: 100_000,
  maxPathBytes: 4096,
};

/** What every file function works with. */
export interface FilesContext {
  readonly table: HandleTable;
  readonly memory: () => PluginMemory;
  readonly limits: LibraryFileLimits;
}

export type WasiFunction = (...args: never[]) => number;

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The path at `ptr`, bounded in length; not valid UTF-8 is EINVAL. */
export function readPath(context: FilesContext, ptr: number, len: number): string {
  if (len > context.limits.maxPathBytes) throw new WasiErrno(Errno.NAMETOOLONG, `a path of ${len} bytes`);
  try {
    return decoder.decode(context.memory().bytes(ptr, len));
  } catch (error) {
    if (error instanceof TrapError) throw error;
    throw new WasiErrno(Errno.INVAL, "a path that is not UTF-8");
  }
}

/** The (pointer, length) pairs of an iovec array. */
export function iovecs(context: FilesContext, iovs: number, count: number): { ptr: number; len: number }[] {
  const memory = context.memory();
  const view = memory.view();
  return Array.from({ length: count }, (_, index) => {
    const entry = memory.range(iovs + index * 8, 8);
    return { ptr: view.getUint32(entry, true), len: view.getUint32(entry + 4, true) };
  });
}

export function writeU32(context: FilesContext, ptr: number, value: number): void {
  const memory = context.memory();
  memory.view().setUint32(memory.range(ptr, 4), value, true);
}

export function writeU64(context: FilesContext, ptr: number, value: bigint): void {
  const memory = context.memory();
  memory.view().setBigUint64(memory.range(ptr, 8), value, true);
}

/**
 * Answers a file function's failure as its errno, as WASI wants. A pointer outside the
 * plugin's memory stays a trap: the call ends.
 */
export function answeringErrno<Args extends unknown[]>(run: (...args: Args) => void): (...args: Args) => number {
  return (...args) => {
    try {
      run(...args);
      return Errno.SUCCESS;
    } catch (error) {
      if (error instanceof TrapError) throw error;
      return errnoOf(error);
    }
  };
}

/** A file offset from the plugin (an i64): negative or beyond 2^53 is EINVAL. */
export function fileOffset(offset: bigint): number {
  const position = Number(offset);
  if (!Number.isSafeInteger(position) || position < 0) throw new WasiErrno(Errno.INVAL, `the file offset ${offset}`);
  return position;
}
