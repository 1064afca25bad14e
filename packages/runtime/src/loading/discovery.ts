import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { basename, join } from "node:path";

export const WASM_FILE = "plugin.wasm";
export const MANIFEST_FILE = "manifest.json";
/** A generation-2 package, read in place; its plugin ID is the file name without it. */
export const PACKAGE_SUFFIX = ".ndp";

/** A folder that holds a plugin: `plugin.wasm` and `manifest.json`. */
export interface PluginFolder {
  readonly path: string;
  /** True when the entry in the plugins folder is a symlink (a `nd plugin dev` link). */
  readonly isSymlink: boolean;
  /** Where its files are, as messages name them: a link's target, the folder its author edits. */
  readonly filesPath: string;
  /** True for a `<id>.ndp` file: its manifest and module are read from the package, never extracted. */
  readonly isPackage?: boolean;
}

/** A plugin's ID: its folder's name, or its package's file name without `.ndp`. */
export function pluginIdOf(folder: PluginFolder): string {
  return folder.isPackage ? basename(folder.path, PACKAGE_SUFFIX) : basename(folder.path);
}

/** A subfolder of the plugins folder left out because it lacks a plugin's files. */
export interface IncompleteFolder {
  readonly path: string;
  /** The files it lacks, of `plugin.wasm` and `manifest.json`. */
  readonly missing: readonly string[];
}

/**
 * Lists the subfolders of `root` (symlinked ones included) that hold a plugin, and its
 * `<id>.ndp` packages (non-recursive, the suffix case-sensitive, as Navidrome scans),
 * sorted by path so that load order, and so which of two same-named plugins wins,
 * does not depend on the file system. Subfolders lacking a plugin's files are left out
 * and, when `incomplete` is given, pushed to it.
 */
export async function discoverPluginFolders(root: string, incomplete?: IncompleteFolder[]): Promise<PluginFolder[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const names = entries.map((entry) => entry.name).filter((name) => !name.startsWith(".")).sort(byCodePoint);
  // Every entry is looked at at once: a folder of 50 plugins is 200 file-system calls.
  const found = await Promise.all(names.map((name) => examine(join(root, name))));
  const folders: PluginFolder[] = [];
  for (const entry of found) {
    if (entry && "missing" in entry) incomplete?.push(entry);
    else if (entry) folders.push(entry);
  }
  return folders;
}

/** A plugin folder or package, a folder lacking a plugin's files, or nothing of either. */
async function examine(path: string): Promise<PluginFolder | IncompleteFolder | undefined> {
  if (!(await isDirectory(path))) {
    return path.endsWith(PACKAGE_SUFFIX) && (await isFile(path)) ? { path, isSymlink: false, filesPath: path, isPackage: true } : undefined;
  }
  const missing = await missingFiles(path);
  if (missing.length > 0) return { path, missing };
  const isSymlink = (await lstat(path)).isSymbolicLink();
  return { path, isSymlink, filesPath: isSymlink ? await realpath(path) : path };
}

/** Plain string order: a locale's order would cost the first start of a process ~15 ms to set up. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function missingFiles(path: string): Promise<string[]> {
  const files = await Promise.all([WASM_FILE, MANIFEST_FILE].map((f) => stat(join(path, f)).catch(() => undefined)));
  return [WASM_FILE, MANIFEST_FILE].filter((_, index) => !files[index]?.isFile());
}
