import { closeSync } from "node:fs";
import { Errno, WasiErrno } from "./errno.js";
import type { Mount } from "./mount-paths.js";

/** A folder: a mount's root (preopened) or one the plugin opened. `relative` is from the mount's root. */
export interface DirectoryHandle {
  readonly kind: "directory";
  readonly mount: Mount;
  readonly relative: string;
  readonly hostPath: string;
  readonly preopen: boolean;
  /** Entries read at the first fd_readdir (and again when it starts over at cookie 0). */
  listing?: { name: Uint8Array; fileType: number }[];
}

export interface FileHandle {
  readonly kind: "file";
  readonly mount: Mount;
  readonly hostFd: number;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly append: boolean;
  position: number;
}

export type Handle = DirectoryHandle | FileHandle;

/** WASI numbers preopened folders from 3, after stdin, stdout and stderr. */
export const FIRST_PREOPEN_FD = 3;

/** The plugin's file descriptors: the mounts (preopened), then what it opens, at most `maxOpen` at a time. */
export class HandleTable {
  private readonly handles = new Map<number, Handle>();
  private opened = 0;

  constructor(
    mounts: readonly Mount[],
    private readonly maxOpen: number,
  ) {
    mounts.forEach((mount, index) => {
      this.handles.set(FIRST_PREOPEN_FD + index, {
        kind: "directory",
        mount,
        relative: "",
        hostPath: mount.hostRoot,
        preopen: true,
      });
    });
  }

  owns(fd: number): boolean {
    return this.handles.has(fd);
  }

  get(fd: number): Handle {
    const handle = this.handles.get(fd);
    if (handle === undefined) throw new WasiErrno(Errno.BADF, `no open file ${fd}`);
    return handle;
  }

  directory(fd: number): DirectoryHandle {
    const handle = this.get(fd);
    if (handle.kind !== "directory") throw new WasiErrno(Errno.NOTDIR, `${fd} is not a folder`);
    return handle;
  }

  file(fd: number): FileHandle {
    const handle = this.get(fd);
    if (handle.kind !== "file") throw new WasiErrno(Errno.ISDIR, `${fd} is a folder`);
    return handle;
  }

  /** Throws EMFILE when the plugin already holds its limit of open files and folders. */
  checkRoom(): void {
    if (this.opened >= this.maxOpen) throw new WasiErrno(Errno.MFILE, `more than ${this.maxOpen} open files`);
  }

  add(handle: Handle): number {
    this.checkRoom();
    let fd = FIRST_PREOPEN_FD;
    while (this.handles.has(fd)) fd++;
    this.handles.set(fd, handle);
    this.opened++;
    return fd;
  }

  close(fd: number): void {
    const handle = this.get(fd);
    this.handles.delete(fd);
    if (handle.kind === "directory" && handle.preopen) return;
    this.opened--;
    if (handle.kind === "file") closeSync(handle.hostFd);
  }

  /** Closes every host file the plugin left open (its instance is done). */
  closeAll(): void {
    for (const [fd, handle] of this.handles) {
      if (handle.kind === "file") closeSync(handle.hostFd);
      this.handles.delete(fd);
    }
    this.opened = 0;
  }
}
