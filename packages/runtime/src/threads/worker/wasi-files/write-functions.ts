import { fstatSync, fsyncSync, ftruncateSync, lstatSync, mkdirSync, renameSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { answeringErrno, type FilesContext, fileOffset, iovecs, readPath, type WasiFunction, writeU32 } from "./context.js";
import { Errno, WasiErrno } from "./errno.js";
import type { DirectoryHandle, FileHandle } from "./handles.js";
import { creatableHostPath, existingHostPath, lexicalJoin, type Mount } from "./mount-paths.js";

function writableFile(context: FilesContext, fd: number): FileHandle {
  const file = context.table.file(fd);
  if (!file.writable) throw new WasiErrno(Errno.BADF, "the file was not opened for writing");
  return file;
}

function writableMount(directory: DirectoryHandle): Mount {
  if (!directory.mount.writable) throw new WasiErrno(Errno.ROFS, `${directory.mount.guestPath} is read-only`);
  return directory.mount;
}

/** Writes from the plugin's memory, at most maxWriteBytes in all; answers the bytes written. */
function writeFrom(context: FilesContext, file: FileHandle, iovs: number, count: number, at: number | null): number {
  let total = 0;
  for (const { ptr, len } of iovecs(context, iovs, count)) {
    const wanted = Math.min(len, context.limits.maxWriteBytes - total);
    if (wanted <= 0) break;
    const written = writeSync(file.hostFd, context.memory().bytes(ptr, wanted), 0, wanted, at === null ? null : at + total);
    total += written;
    if (written < wanted) break;
  }
  return total;
}

/** A path the plugin names, under one of its open folders: the mount and where it is from the mount's root. */
function target(context: FilesContext, fd: number, pathPtr: number, pathLen: number) {
  const directory = context.table.directory(fd);
  const mount = writableMount(directory);
  return { mount, relative: lexicalJoin(directory.relative, readPath(context, pathPtr, pathLen)) };
}

/** The file functions that change something; on a read-only mount each answers EROFS or EBADF. */
export function writeFunctions(context: FilesContext): Record<string, WasiFunction> {
  const { table } = context;
  return {
    fd_write: answeringErrno((fd: number, iovs: number, count: number, writtenPtr: number) => {
      const file = writableFile(context, fd);
      const written = writeFrom(context, file, iovs, count, file.append ? null : file.position);
      file.position = file.append ? fstatSync(file.hostFd).size : file.position + written;
      writeU32(context, writtenPtr, written);
    }),
    fd_pwrite: answeringErrno((fd: number, iovs: number, count: number, offset: bigint, writtenPtr: number) => {
      writeU32(context, writtenPtr, writeFrom(context, writableFile(context, fd), iovs, count, fileOffset(offset)));
    }),
    fd_filestat_set_size: answeringErrno((fd: number, size: bigint) => {
      ftruncateSync(writableFile(context, fd).hostFd, fileOffset(size));
    }),
    fd_sync: answeringErrno((fd: number) => {
      const handle = table.get(fd);
      if (handle.kind === "file" && handle.writable) fsyncSync(handle.hostFd);
    }),
    fd_datasync: answeringErrno((fd: number) => {
      const handle = table.get(fd);
      if (handle.kind === "file" && handle.writable) fsyncSync(handle.hostFd);
    }),
    path_create_directory: answeringErrno((fd: number, pathPtr: number, pathLen: number) => {
      const { mount, relative } = target(context, fd, pathPtr, pathLen);
      mkdirSync(creatableHostPath(mount, relative));
    }),
    path_unlink_file: answeringErrno((fd: number, pathPtr: number, pathLen: number) => {
      const { mount, relative } = target(context, fd, pathPtr, pathLen);
      const hostPath = existingHostPath(mount, relative, false);
      if (lstatSync(hostPath).isDirectory()) throw new WasiErrno(Errno.ISDIR, "unlink of a folder");
      unlinkSync(hostPath);
    }),
    path_remove_directory: answeringErrno((fd: number, pathPtr: number, pathLen: number) => {
      const { mount, relative } = target(context, fd, pathPtr, pathLen);
      if (relative === "") throw new WasiErrno(Errno.BUSY, "a mount's root cannot be removed");
      rmdirSync(existingHostPath(mount, relative, false));
    }),
    path_rename: answeringErrno(
      (fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) => {
        const from = target(context, fd, oldPtr, oldLen);
        const to = target(context, newFd, newPtr, newLen);
        if (from.mount !== to.mount) throw new WasiErrno(Errno.XDEV, "a rename across mounts");
        if (from.relative === "" || to.relative === "") throw new WasiErrno(Errno.BUSY, "a mount's root cannot move");
        renameSync(existingHostPath(from.mount, from.relative, false), creatableHostPath(to.mount, to.relative));
      },
    ),
  };
}
