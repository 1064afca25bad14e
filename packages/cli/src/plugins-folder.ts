import { lstat, mkdir, readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest, ManifestV2 } from "@nd/manifest";
import { failure } from "./errors.js";
import { MANIFEST_FILE, missingFilesReason, readPluginFolder, readPluginPackage, WASM_FILE, type PluginFiles } from "./plugin-files.js";

export { MANIFEST_FILE, missingFilesReason, WASM_FILE };
/** A generation-2 plugin may be a package read in place: `<id>.ndp` in the plugins folder. */
export const PACKAGE_SUFFIX = ".ndp";
/** The optional files of a plugin folder, listed by `info`. */
export const PLUGIN_FILES = [MANIFEST_FILE, WASM_FILE, "README.md", "LICENSE"] as const;

/** Creates the plugins folder, readable by its owner only, when missing. */
export async function ensurePluginsFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
}

interface InstalledEntry {
  /** Generation 1: the manifest name. Generation 2: the plugin ID, the folder's or package's name (without `.ndp`). */
  readonly name: string;
  /** The entry in the plugins folder (a folder, a dev link, or a generation-2 `.ndp` file). */
  readonly path: string;
  readonly isDevLink: boolean;
  /** A generation-2 `.ndp` file read in place. */
  readonly isPackage?: boolean;
  /** Where a dev link points. */
  readonly linkTarget?: string;
  /** Why the manifest could not be read. */
  readonly manifestProblem?: string;
}

/** One plugin in the plugins folder, as the files on disk say; the generation is read from its module. */
export type InstalledPlugin = InstalledEntry &
  ({ readonly generation?: 1; readonly manifest?: Manifest } | { readonly generation: 2; readonly manifest?: ManifestV2 });

/** The plugin's manifest and module, read again from its entry. */
export function filesOfInstalled(plugin: InstalledPlugin): Promise<PluginFiles> {
  return plugin.isPackage ? readPluginPackage(plugin.path) : readPluginFolder(plugin.path);
}

/** A subfolder of the plugins folder left out, and why, as the host leaves it out too. */
export interface SkippedEntry {
  readonly path: string;
  readonly reason: string;
}

/**
 * Every entry of the plugins folder that holds a plugin; dot entries are skipped, as the host
 * does. Subfolders lacking a plugin's files are pushed to `skipped` when it is given.
 */
export async function listInstalled(folder: string, skipped?: SkippedEntry[]): Promise<InstalledPlugin[]> {
  const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const plugins: InstalledPlugin[] = [];
  for (const entry of entries.sort()) {
    if (entry.startsWith(".")) continue;
    const plugin = await describeEntry(join(folder, entry), entry, skipped);
    if (plugin) plugins.push(plugin);
  }
  return plugins;
}

/** The installed plugin with this name (a generation-1 manifest name or a generation-2 ID), or else this folder name. */
export async function findInstalled(folder: string, name: string): Promise<InstalledPlugin> {
  const skipped: SkippedEntry[] = [];
  const plugins = await listInstalled(folder, skipped);
  const found = plugins.find((plugin) => plugin.name === name) ?? plugins.find((plugin) => plugin.path === join(folder, name));
  const incomplete = skipped.find((entry) => entry.path === join(folder, name));
  if (!found && incomplete) throw failure(`${incomplete.path} is not a plugin: ${incomplete.reason}`);
  if (!found) throw failure(`no plugin named "${name}" in ${folder}; see nd plugin list`);
  return found;
}

async function describeEntry(path: string, entry: string, skipped?: SkippedEntry[]): Promise<InstalledPlugin | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile() && entry.endsWith(PACKAGE_SUFFIX)) return describePackage(path, entry.slice(0, -PACKAGE_SUFFIX.length), skipped);
  if (!info?.isDirectory()) return undefined;
  const hasFiles = await Promise.all([MANIFEST_FILE, WASM_FILE].map((file) => isFile(join(path, file))));
  if (!hasFiles.every(Boolean)) {
    skipped?.push({ path, reason: missingFilesReason([MANIFEST_FILE, WASM_FILE].filter((_, index) => !hasFiles[index])) });
    return undefined;
  }
  const isDevLink = (await lstat(path)).isSymbolicLink();
  const link = isDevLink ? { linkTarget: await realpath(path) } : {};
  try {
    const files = await readPluginFolder(path);
    if (files.generation === 2) return { generation: 2, name: entry, path, isDevLink, ...link, manifest: files.manifest };
    return { generation: 1, name: files.manifest.name, path, isDevLink, ...link, manifest: files.manifest };
  } catch (error) {
    return { name: entry, path, isDevLink, ...link, manifestProblem: (error as Error).message };
  }
}

/** A `.ndp` file in the plugins folder is a generation-2 plugin read in place, its ID the file name. */
async function describePackage(path: string, id: string, skipped?: SkippedEntry[]): Promise<InstalledPlugin | undefined> {
  try {
    const files = await readPluginPackage(path);
    if (files.generation === 2) return { generation: 2, name: id, path, isDevLink: false, isPackage: true, manifest: files.manifest };
    skipped?.push({ path, reason: "a generation-1 package is not read in place; install it with nd plugin install" });
    return undefined;
  } catch (error) {
    return { generation: 2, name: id, path, isDevLink: false, isPackage: true, manifestProblem: (error as Error).message };
  }
}


async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
