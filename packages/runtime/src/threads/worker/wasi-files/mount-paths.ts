import { lstatSync, realpathSync } from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import { Errno, WasiErrno } from "./errno.js";

/** A library folder as the plugin sees it. `hostRoot` is already resolved (realpath). */
export interface Mount {
  readonly guestPath: string;
  readonly hostRoot: string;
  readonly writable: boolean;
}

/**
 * `path` (relative, from the plugin) joined to `base` (relative to the mount's root), read
 * lexically: `.` and empty segments dropped, `..` climbing. Absolute paths and any `..` above
 * the mount's root are refused.
 */
export function lexicalJoin(base: string, path: string): string {
  if (path.startsWith("/")) throw new WasiErrno(Errno.NOTCAPABLE, `absolute path ${JSON.stringify(path)}`);
  if (path.includes("\0")) throw new WasiErrno(Errno.INVAL, "a path holds a NUL character");
  const segments: string[] = [];
  for (const segment of [...base.split("/"), ...path.split("/")]) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") segments.push(segment);
    else if (segments.pop() === undefined) throw new WasiErrno(Errno.NOTCAPABLE, `${JSON.stringify(path)} leaves the mount`);
  }
  return segments.join("/");
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function realInside(mount: Mount, hostPath: string): string {
  const real = realpathSync(hostPath);
  if (!inside(mount.hostRoot, real)) throw new WasiErrno(Errno.NOTCAPABLE, "a symbolic link leads out of the mount");
  return real;
}

/**
 * The host path of an existing entry. With `follow`, symbolic links are resolved and the
 * result must lie inside the mount; without, only the folders on the way are resolved (the
 * entry may itself be a link, which is then not followed).
 */
export function existingHostPath(mount: Mount, relative: string, follow: boolean): string {
  const hostPath = join(mount.hostRoot, relative);
  if (follow || relative === "") return realInside(mount, hostPath);
  return join(realInside(mount, dirname(hostPath)), basename(hostPath));
}

/**
 * The host path where an entry may be created (or opened when it exists): its folder must lie
 * inside the mount, and an existing link there must lead to a place inside it too.
 */
export function creatableHostPath(mount: Mount, relative: string): string {
  if (relative === "") return mount.hostRoot;
  const hostPath = join(mount.hostRoot, relative);
  const target = join(realInside(mount, dirname(hostPath)), basename(hostPath));
  const existing = lstatSync(target, { throwIfNoEntry: false });
  return existing?.isSymbolicLink() ? realInside(mount, target) : target;
}
