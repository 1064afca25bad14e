/** WASI preview1 error numbers (`errno`) the library mounts answer. */
export const Errno = {
  SUCCESS: 0,
  ACCES: 2,
  BADF: 8,
  BUSY: 10,
  EXIST: 20,
  FBIG: 22,
  INVAL: 28,
  IO: 29,
  ISDIR: 31,
  LOOP: 32,
  MFILE: 33,
  NAMETOOLONG: 37,
  NOENT: 44,
  NOMEM: 48,
  NOSPC: 51,
  NOSYS: 52,
  NOTDIR: 54,
  NOTEMPTY: 55,
  NOTSUP: 58,
  PERM: 63,
  ROFS: 69,
  SPIPE: 70,
  XDEV: 75,
  NOTCAPABLE: 76,
} as const;

export type ErrnoValue = (typeof Errno)[keyof typeof Errno];

/** A WASI error raised inside a file function and answered as its errno. */
export class WasiErrno extends Error {
  readonly kind = "WasiErrno";
  constructor(
    readonly errno: ErrnoValue,
    message: string,
  ) {
    super(message);
    this.name = "WasiErrno";
  }
}

const FROM_NODE_CODE: Readonly<Record<string, ErrnoValue>> = {
  EACCES: Errno.ACCES,
  EBADF: Errno.BADF,
  EBUSY: Errno.BUSY,
  EEXIST: Errno.EXIST,
  EFBIG: Errno.FBIG,
  EINVAL: Errno.INVAL,
  EISDIR: Errno.ISDIR,
  ELOOP: Errno.LOOP,
  EMFILE: Errno.MFILE,
  ENAMETOOLONG: Errno.NAMETOOLONG,
  ENOENT: Errno.NOENT,
  ENOSPC: Errno.NOSPC,
  ENOTDIR: Errno.NOTDIR,
  ENOTEMPTY: Errno.NOTEMPTY,
  EPERM: Errno.PERM,
  EROFS: Errno.ROFS,
  EXDEV: Errno.XDEV,
};

/** The errno for an error thrown by node:fs (or a WasiErrno); anything else is EIO. */
export function errnoOf(error: unknown): ErrnoValue {
  if (error instanceof WasiErrno) return error.errno;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined && FROM_NODE_CODE[code]) || Errno.IO;
}
