import type { BigIntStats, Dirent } from "node:fs";

/** WASI preview1 `filetype`. */
export const FileType = { UNKNOWN: 0, DIRECTORY: 3, REGULAR_FILE: 4, SYMBOLIC_LINK: 7 } as const;

/** `rights` bits that change something: withheld on a read-only mount. */
const WRITE_RIGHTS =
  (1n << 0n) | // fd_datasync
  (1n << 6n) | // fd_write
  (1n << 8n) | // fd_allocate
  (1n << 9n) | // path_create_directory
  (1n << 10n) | // path_create_file
  (1n << 11n) | // path_link_source
  (1n << 12n) | // path_link_target
  (1n << 16n) | // path_rename_source
  (1n << 17n) | // path_rename_target
  (1n << 19n) | // path_filestat_set_size
  (1n << 20n) | // path_filestat_set_times
  (1n << 22n) | // fd_filestat_set_size
  (1n << 23n) | // fd_filestat_set_times
  (1n << 24n) | // path_symlink
  (1n << 25n) | // path_remove_directory
  (1n << 26n); // path_unlink_file
const ALL_RIGHTS = (1n << 29n) - 1n;
export const RIGHT_FD_WRITE = 1n << 6n;

export const FDFLAG_APPEND = 1;

export function rightsFor(writable: boolean): bigint {
  return writable ? ALL_RIGHTS : ALL_RIGHTS & ~WRITE_RIGHTS;
}

export function fileTypeOf(entry: Pick<Dirent, "isDirectory" | "isFile" | "isSymbolicLink">): number {
  if (entry.isDirectory()) return FileType.DIRECTORY;
  if (entry.isFile()) return FileType.REGULAR_FILE;
  return entry.isSymbolicLink() ? FileType.SYMBOLIC_LINK : FileType.UNKNOWN;
}

/** A `filestat` (64 bytes). */
export function encodeFilestat(stats: BigIntStats): Uint8Array {
  const bytes = new Uint8Array(64);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, stats.dev, true);
  view.setBigUint64(8, stats.ino, true);
  view.setUint8(16, fileTypeOf(stats));
  view.setBigUint64(24, stats.nlink, true);
  view.setBigUint64(32, stats.size, true);
  view.setBigUint64(40, stats.atimeNs, true);
  view.setBigUint64(48, stats.mtimeNs, true);
  view.setBigUint64(56, stats.ctimeNs, true);
  return bytes;
}

/** An `fdstat` (24 bytes). */
export function encodeFdstat(fileType: number, flags: number, rights: bigint): Uint8Array {
  const bytes = new Uint8Array(24);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, fileType);
  view.setUint16(2, flags, true);
  view.setBigUint64(8, rights, true);
  view.setBigUint64(16, rights, true);
  return bytes;
}

/** A `dirent` header (24 bytes) followed by the name; `next` is the cookie of the entry after it. */
export function encodeDirent(name: Uint8Array, fileType: number, next: bigint): Uint8Array {
  const bytes = new Uint8Array(24 + name.length);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, next, true);
  // No inode number without a stat per entry; any non-zero value tells Go the entry exists.
  view.setBigUint64(8, next, true);
  view.setUint32(16, name.length, true);
  view.setUint8(20, fileType);
  bytes.set(name, 24);
  return bytes;
}
