import { realpathSync, statSync } from "node:fs";
import { PluginMemory } from "../plugin-memory.js";
import { DEFAULT_LIBRARY_FILE_LIMITS, type FilesContext, type LibraryFileLimits, type WasiFunction } from "./context.js";
import { HandleTable } from "./handles.js";
import type { Mount } from "./mount-paths.js";
import { openFunction } from "./open-function.js";
import { readFunctions } from "./read-functions.js";
import { writeFunctions } from "./write-functions.js";

export { DEFAULT_LIBRARY_FILE_LIMITS, type LibraryFileLimits } from "./context.js";

/** A library folder to show the plugin: `hostPath` appears at `guestPath` (`/libraries/<id>`). */
export interface LibraryMountSpec {
  guestPath: string;
  hostPath: string;
  writable: boolean;
}

/** One plugin instance's view of its library folders. */
export interface LibraryFiles {
  /** WASI preview1 fd_* and path_* functions for the mounts' descriptors. */
  readonly imports: Readonly<Record<string, WasiFunction>>;
  /** Whether `fd` is one of the mounts' descriptors (a mount, or a file or folder opened in one). */
  owns(fd: number): boolean;
  /** Closes every host file the instance left open; call it when the instance is done. */
  closeAll(): void;
}

/** A mount that cannot be made: a guest path that is not absolute and clean, a missing host folder. */
export class LibraryMountError extends Error {
  readonly kind = "LibraryMountError";
  override readonly name = "LibraryMountError";
}

function resolveMount(spec: LibraryMountSpec): Mount {
  const clean = /^(\/[^/\0]+)+$/.test(spec.guestPath) && !spec.guestPath.split("/").some((s) => s === "." || s === "..");
  if (!clean) throw new LibraryMountError(`the guest path ${JSON.stringify(spec.guestPath)} must be absolute, without . or ..`);
  let hostRoot: string;
  try {
    hostRoot = realpathSync(spec.hostPath);
  } catch (error) {
    throw new LibraryMountError(`the library folder ${spec.hostPath} cannot be mounted: ${(error as Error).message}`);
  }
  if (!statSync(hostRoot).isDirectory()) throw new LibraryMountError(`the library path ${spec.hostPath} is not a folder`);
  return { guestPath: spec.guestPath, hostRoot, writable: spec.writable };
}

/**
 * Library folders for a plugin instance, as WASI preview1 preopened directories from descriptor
 * 3 on, in the order given. Read-only unless `writable` (writes, creation, removal and renames
 * answer EROFS); a path that leaves its mount (`..` above its root, an absolute path, a symbolic
 * link resolving outside) is refused with ENOTCAPABLE, while links that stay inside are
 * followed. Only regular files and folders open (a FIFO or device answers EACCES); the plugin
 * cannot make links (path_symlink and path_link are not provided).
 * The functions call node:fs synchronously: WASI's functions are synchronous, they run on the
 * plugin's worker thread, and every read, write, listing and path is bounded by `limits`.
 */
export function createLibraryFiles(
  mounts: readonly LibraryMountSpec[],
  memory: () => WebAssembly.Memory,
  limits: Partial<LibraryFileLimits> = {},
): LibraryFiles {
  const resolved = mounts.map(resolveMount);
  const guestPaths = new Set(resolved.map((mount) => mount.guestPath));
  if (guestPaths.size !== resolved.length) throw new LibraryMountError("two library mounts share a guest path");
  const full = { ...DEFAULT_LIBRARY_FILE_LIMITS, ...limits };
  const context: FilesContext = {
    table: new HandleTable(resolved, full.maxOpenFiles),
    memory: () => new PluginMemory(memory()),
    limits: full,
  };
  return {
    imports: { ...readFunctions(context), ...openFunction(context), ...writeFunctions(context) },
    owns: (fd) => context.table.owns(fd),
    closeAll: () => context.table.closeAll(),
  };
}

const STDERR_FD = 2;
const ERRNO_BADF = 8;

/**
 * `wasiImports` with the library functions laid over it: a call about one of the mounts'
 * descriptors goes to `files`, one about stdin, stdout or stderr to `wasiImports`, any other
 * descriptor is EBADF. `wasiImports` keeps answering every other function.
 */
export function withLibraryFiles(
  wasiImports: Record<string, (...args: never[]) => number | void>,
  files: LibraryFiles,
): Record<string, (...args: never[]) => number | void> {
  const routed: Record<string, (...args: never[]) => number | void> = {};
  for (const [name, own] of Object.entries(files.imports)) {
    const base = wasiImports[name] as (fd: number, ...rest: unknown[]) => number | void;
    const mine = own as (fd: number, ...rest: unknown[]) => number;
    routed[name] = ((fd: number, ...rest: unknown[]) =>
      files.owns(fd) ? mine(fd, ...rest) : fd <= STDERR_FD ? base(fd, ...rest) : ERRNO_BADF) as (...args: never[]) => number | void;
  }
  return new Proxy(wasiImports, { get: (target, name) => (typeof name === "string" && routed[name]) || Reflect.get(target, name) });
}
