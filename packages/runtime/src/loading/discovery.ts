import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export const WASM_FILE = "plugin.wasm";
export const MANIFEST_FILE = "manifest.json";

/** A folder that holds a plugin: `plugin.wasm` and `manifest.json`. */
export interface PluginFolder {
  readonly path: string;
  /** True when the entry in the plugins folder is a symlink (a `nd plugin dev` link). */
  readonly isSymlink: boolean;
}

/**
 * Lists the subfolders of `root` (symlinked ones included) that hold a plugin,
 * sorted by path so that load order, and so which of two same-named plugins wins,
 * does not depend on the file system.
 */
export async function discoverPluginFolders(root: string): Promise<PluginFolder[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const folders: PluginFolder[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".")) continue;
    const path = join(root, entry.name);
    if ((await isDirectory(path)) && (await holdsPlugin(path))) {
      folders.push({ path, isSymlink: (await lstat(path)).isSymbolicLink() });
    }
  }
  return folders;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function holdsPlugin(path: string): Promise<boolean> {
  const files = await Promise.all([WASM_FILE, MANIFEST_FILE].map((f) => stat(join(path, f)).catch(() => undefined)));
  return files.every((file) => file?.isFile());
}
