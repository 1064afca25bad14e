import { closeSync, constants, fstatSync, lstatSync, openSync, type Stats } from "node:fs";
import { answeringErrno, type FilesContext, readPath, type WasiFunction, writeU32 } from "./context.js";
import { Errno, WasiErrno } from "./errno.js";
import type { DirectoryHandle } from "./handles.js";
import { FDFLAG_APPEND, RIGHT_FD_WRITE } from "./layout.js";
import { creatableHostPath, existingHostPath, lexicalJoin } from "./mount-paths.js";

const LOOKUP_SYMLINK_FOLLOW = 1;
const OFLAG = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
const RIGHT_FD_READ = 1n << 1n;

interface OpenRequest {
  directory: DirectoryHandle;
  relative: string;
  follow: boolean;
  oflags: number;
  rights: bigint;
  fdflags: number;
}

function wantsWrite({ oflags, rights, fdflags }: OpenRequest): boolean {
  return (rights & RIGHT_FD_WRITE) !== 0n || (oflags & (OFLAG.CREAT | OFLAG.TRUNC)) !== 0 || (fdflags & FDFLAG_APPEND) !== 0;
}

function hostFlags(request: OpenRequest, writing: boolean, readable: boolean): number {
  const mode = !writing ? constants.O_RDONLY : readable ? constants.O_RDWR : constants.O_WRONLY;
  // Not following a final link (every link on the way is resolved already) and never blocking
  // on a FIFO someone put in the library: the worker thread must not hang in an open.
  let flags = mode | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  if (request.oflags & OFLAG.CREAT) flags |= constants.O_CREAT;
  if (request.oflags & OFLAG.EXCL) flags |= constants.O_EXCL;
  if (request.oflags & OFLAG.TRUNC) flags |= constants.O_TRUNC;
  return flags;
}

function openFile(context: FilesContext, request: OpenRequest, hostPath: string, writing: boolean): number {
  context.table.checkRoom();
  const readable = (request.rights & RIGHT_FD_READ) !== 0n || !writing;
  const hostFd = openSync(hostPath, hostFlags(request, writing, readable), 0o644);
  if (!fstatSync(hostFd).isFile()) {
    closeSync(hostFd);
    throw new WasiErrno(Errno.ACCES, "only regular files and folders can be opened");
  }
  return context.table.add({
    kind: "file",
    mount: request.directory.mount,
    hostFd,
    readable,
    writable: writing,
    append: (request.fdflags & FDFLAG_APPEND) !== 0,
    position: 0,
  });
}

function open(context: FilesContext, request: OpenRequest): number {
  const { mount } = request.directory;
  const writing = wantsWrite(request);
  if (writing && !mount.writable) throw new WasiErrno(Errno.ROFS, `${mount.guestPath} is read-only`);
  const hostPath =
    request.oflags & OFLAG.CREAT
      ? creatableHostPath(mount, request.relative)
      : existingHostPath(mount, request.relative, request.follow);
  const stats: Stats | undefined = lstatSync(hostPath, { throwIfNoEntry: false });
  if (stats?.isSymbolicLink()) throw new WasiErrno(Errno.LOOP, "a symbolic link opened without following links");
  if (stats?.isDirectory()) {
    if (writing) throw new WasiErrno(Errno.ISDIR, "a folder opened for writing");
    return context.table.add({ kind: "directory", mount, relative: request.relative, hostPath, preopen: false });
  }
  if (request.oflags & OFLAG.DIRECTORY) throw new WasiErrno(stats ? Errno.NOTDIR : Errno.NOENT, "not a folder");
  return openFile(context, request, hostPath, writing);
}

/** path_open: folders and regular files inside a mount, for writing only on a writable mount. */
export function openFunction(context: FilesContext): Record<string, WasiFunction> {
  return {
    path_open: answeringErrno(
      (
        fd: number,
        dirflags: number,
        pathPtr: number,
        pathLen: number,
        oflags: number,
        rights: bigint,
        _inheriting: bigint,
        fdflags: number,
        resultPtr: number,
      ) => {
        const directory = context.table.directory(fd);
        const relative = lexicalJoin(directory.relative, readPath(context, pathPtr, pathLen));
        const follow = (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0;
        writeU32(context, resultPtr, open(context, { directory, relative, follow, oflags, rights, fdflags }));
      },
    ),
  };
}
