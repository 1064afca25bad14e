import { fstatSync, lstatSync, opendirSync, readSync, statSync } from "node:fs";
import {
  answeringErrno,
  type FilesContext,
  fileOffset,
  iovecs,
  readPath,
  type WasiFunction,
  writeU32,
  writeU64,
} from "./context.js";
import { Errno, WasiErrno } from "./errno.js";
import type { DirectoryHandle, FileHandle } from "./handles.js";
import { encodeDirent, encodeFdstat, encodeFilestat, FDFLAG_APPEND, FileType, fileTypeOf, rightsFor } from "./layout.js";
import { existingHostPath, lexicalJoin } from "./mount-paths.js";

const LOOKUP_SYMLINK_FOLLOW = 1;
const FDFLAG_NONBLOCK = 4;
const WHENCE = { SET: 0, CUR: 1, END: 2 } as const;
const encoder = new TextEncoder();

/** Reads into the plugin's memory, at most maxReadBytes in all; answers the bytes read. */
function readInto(context: FilesContext, file: FileHandle, iovs: number, count: number, at: number): number {
  if (!file.readable) throw new WasiErrno(Errno.BADF, "the file was not opened for reading");
  let total = 0;
  for (const { ptr, len } of iovecs(context, iovs, count)) {
    const wanted = Math.min(len, context.limits.maxReadBytes - total);
    if (wanted <= 0) break;
    const read = readSync(file.hostFd, context.memory().bytes(ptr, wanted), 0, wanted, at + total);
    total += read;
    if (read < wanted) break;
  }
  return total;
}

function listing(context: FilesContext, directory: DirectoryHandle): NonNullable<DirectoryHandle["listing"]> {
  const entries: NonNullable<DirectoryHandle["listing"]> = [];
  const folder = opendirSync(directory.hostPath);
  try {
    for (let entry = folder.readSync(); entry !== null; entry = folder.readSync()) {
      if (entries.length >= context.limits.maxDirectoryEntries) {
        throw new WasiErrno(Errno.NOMEM, `a folder with more than ${context.limits.maxDirectoryEntries} entries`);
      }
      entries.push({ name: encoder.encode(entry.name), fileType: fileTypeOf(entry) });
    }
  } finally {
    folder.closeSync();
  }
  return entries;
}

function hostStats(handle: DirectoryHandle | FileHandle) {
  return handle.kind === "file" ? fstatSync(handle.hostFd, { bigint: true }) : statSync(handle.hostPath, { bigint: true });
}

/** The file functions that only read: a read-only mount has these and no others. */
export function readFunctions(context: FilesContext): Record<string, WasiFunction> {
  const { table } = context;
  return {
    fd_prestat_get: answeringErrno((fd: number, resultPtr: number) => {
      const handle = table.get(fd);
      if (handle.kind !== "directory" || !handle.preopen) throw new WasiErrno(Errno.BADF, `${fd} is not preopened`);
      const prestat = new Uint8Array(8);
      new DataView(prestat.buffer).setUint32(4, encoder.encode(handle.mount.guestPath).length, true);
      context.memory().write(resultPtr, prestat);
    }),
    fd_prestat_dir_name: answeringErrno((fd: number, pathPtr: number, pathLen: number) => {
      const handle = table.get(fd);
      if (handle.kind !== "directory" || !handle.preopen) throw new WasiErrno(Errno.BADF, `${fd} is not preopened`);
      const name = encoder.encode(handle.mount.guestPath);
      if (pathLen < name.length) throw new WasiErrno(Errno.NAMETOOLONG, "the buffer is too small for the name");
      context.memory().write(pathPtr, name);
    }),
    fd_fdstat_get: answeringErrno((fd: number, resultPtr: number) => {
      const handle = table.get(fd);
      const fileType = handle.kind === "file" ? FileType.REGULAR_FILE : FileType.DIRECTORY;
      const flags = handle.kind === "file" && handle.append ? FDFLAG_APPEND : 0;
      const writable = handle.kind === "file" ? handle.writable : handle.mount.writable;
      context.memory().write(resultPtr, encodeFdstat(fileType, flags, rightsFor(writable)));
    }),
    fd_fdstat_set_flags: answeringErrno((fd: number, flags: number) => {
      table.get(fd);
      // Reads of regular files never block, so non-blocking mode changes nothing.
      if ((flags & ~FDFLAG_NONBLOCK) !== 0) throw new WasiErrno(Errno.NOTSUP, "only the non-blocking flag can change");
    }),
    fd_filestat_get: answeringErrno((fd: number, resultPtr: number) => {
      context.memory().write(resultPtr, encodeFilestat(hostStats(table.get(fd))));
    }),
    path_filestat_get: answeringErrno((fd: number, flags: number, pathPtr: number, pathLen: number, resultPtr: number) => {
      const directory = table.directory(fd);
      const relative = lexicalJoin(directory.relative, readPath(context, pathPtr, pathLen));
      const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
      const stats = lstatSync(existingHostPath(directory.mount, relative, follow), { bigint: true });
      context.memory().write(resultPtr, encodeFilestat(stats));
    }),
    fd_read: answeringErrno((fd: number, iovs: number, count: number, readPtr: number) => {
      const file = table.file(fd);
      const read = readInto(context, file, iovs, count, file.position);
      file.position += read;
      writeU32(context, readPtr, read);
    }),
    fd_pread: answeringErrno((fd: number, iovs: number, count: number, offset: bigint, readPtr: number) => {
      writeU32(context, readPtr, readInto(context, table.file(fd), iovs, count, fileOffset(offset)));
    }),
    fd_seek: answeringErrno((fd: number, offset: bigint, whence: number, resultPtr: number) => {
      const file = table.file(fd);
      const base =
        whence === WHENCE.SET ? 0 : whence === WHENCE.CUR ? file.position : whence === WHENCE.END ? fstatSync(file.hostFd).size : NaN;
      const position = base + Number(offset);
      if (!Number.isSafeInteger(position) || position < 0) throw new WasiErrno(Errno.INVAL, "a position before the start");
      file.position = position;
      writeU64(context, resultPtr, BigInt(position));
    }),
    fd_tell: answeringErrno((fd: number, resultPtr: number) => {
      writeU64(context, resultPtr, BigInt(table.file(fd).position));
    }),
    fd_readdir: answeringErrno((fd: number, buf: number, bufLen: number, cookie: bigint, usedPtr: number) => {
      const directory = table.directory(fd);
      if (cookie === 0n || directory.listing === undefined) directory.listing = listing(context, directory);
      let used = 0;
      for (let index = Number(cookie); index < directory.listing.length && used < bufLen; index++) {
        const { name, fileType } = directory.listing[index] as { name: Uint8Array; fileType: number };
        const dirent = encodeDirent(name, fileType, BigInt(index + 1));
        const fits = Math.min(dirent.length, bufLen - used);
        context.memory().write(buf + used, dirent.subarray(0, fits));
        used += fits;
      }
      writeU32(context, usedPtr, used);
    }),
    fd_close: answeringErrno((fd: number) => table.close(fd)),
  };
}
