import { lstat, mkdir, readdir, readFile, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseManifest, type Manifest } from "@nd/manifest";
import { failure } from "./errors.js";
import { pathProblem } from "./path-arguments.js";

export const MANIFEST_FILE = "manifest.json";
export const WASM_FILE = "plugin.wasm";
/** The optional files of a plugin folder, listed by `info`. */
export const PLUGIN_FILES = [MANIFEST_FILE, WASM_FILE, "README.md", "LICENSE"] as const;

/** Creates the plugins folder, readable by its owner only, when missing. */
export async function ensurePluginsFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
}

/** One plugin in the plugins folder, as the files on disk say. */
export interface InstalledPlugin {
  readonly name: string;
  /** The entry in the plugins folder (a folder, or a dev link). */
  readonly path: string;
  readonly isDevLink: boolean;
  /** Where a dev link points. */
  readonly linkTarget?: string;
  readonly manifest?: Manifest;
  /** Why the manifest could not be read. */
  readonly manifestProblem?: string;
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

/** The installed plugin with this manifest name (or, failing that, this folder name). */
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
  if (!info?.isDirectory()) return undefined;
  const hasFiles = await Promise.all([MANIFEST_FILE, WASM_FILE].map((file) => isFile(join(path, file))));
  if (!hasFiles.every(Boolean)) {
    skipped?.push({ path, reason: missingFilesReason([MANIFEST_FILE, WASM_FILE].filter((_, index) => !hasFiles[index])) });
    return undefined;
  }
  const isDevLink = (await lstat(path)).isSymbolicLink();
  const link = isDevLink ? { linkTarget: await realpath(path) } : {};
  try {
    const manifest = await readManifestFile(path);
    return { name: manifest.name, path, isDevLink, ...link, manifest };
  } catch (error) {
    return { name: entry, path, isDevLink, ...link, manifestProblem: (error as Error).message };
  }
}

/** Why a folder is no plugin, worded as the host's warning is. */
export function missingFilesReason(missing: readonly string[]): string {
  const hint = missing.length === 1 && missing[0] === WASM_FILE ? " (not built yet?)" : "";
  return `it has no ${missing.join(" and no ")}${hint}; a plugin folder holds ${MANIFEST_FILE} and ${WASM_FILE}`;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

export async function readManifestFile(folder: string): Promise<Manifest> {
  const path = join(folder, MANIFEST_FILE);
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw failure(`${folder} has no ${MANIFEST_FILE}: it is not a plugin folder`, error);
    throw pathProblem(path, "manifest", error);
  });
  return parseManifest(text, path);
}
