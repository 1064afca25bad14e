import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest, ManifestV2 } from "@nd/manifest";
import { readAnyNdp } from "@nd/ndp";
import { failure } from "./errors.js";
import { capabilitiesOf, pluginProblems, type PluginFiles } from "./plugin-files.js";
import { filesOfInstalled, missingFilesReason, PLUGIN_FILES, WASM_FILE, type InstalledPlugin } from "./plugins-folder.js";

/** `ready`: the files would load (manifest valid, module links); `invalid`: see `problems`. */
export type PluginFilesState = "ready" | "invalid";

/** One row of `nd plugin list`. */
export interface PluginSummary {
  /** Generation 1: the manifest name; generation 2: the plugin ID. */
  name: string;
  /** 1 (protobuf, Navidrome v0.57) or 2 (Extism and JSON, v0.60+), read from the module; absent when it cannot be read. */
  generation?: 1 | 2;
  version?: string;
  capabilities: string[];
  permissions: string[];
  state: PluginFilesState;
  problems: string[];
  /** With `--init`: the error OnInit answered when loaded with the config. */
  initError?: string;
  dev: boolean;
  linkTarget?: string;
  path: string;
}

export async function describeInstalled(plugin: InstalledPlugin): Promise<PluginSummary> {
  const files = plugin.manifest ? await installedFiles(plugin) : undefined;
  const problems = files ? await pluginProblems(files) : [plugin.manifestProblem ?? "manifest.json cannot be read"];
  return {
    name: plugin.name,
    ...(plugin.generation && { generation: plugin.generation }),
    ...(plugin.manifest && { version: plugin.manifest.version }),
    capabilities: files ? capabilitiesOf(files) : [],
    permissions: Object.keys(plugin.manifest?.permissions ?? {}),
    state: problems.length === 0 ? "ready" : "invalid",
    problems,
    dev: plugin.isDevLink,
    ...(plugin.linkTarget && { linkTarget: plugin.linkTarget }),
    path: plugin.path,
  };
}

/** What `nd plugin info` shows, for an installed plugin or a package file. */
export interface PluginDetails {
  source: string;
  generation: 1 | 2;
  manifest: Manifest | ManifestV2;
  /** Declared (generation 1) or detected from the exports (generation 2). */
  capabilities: string[];
  permissions: PermissionDetails[];
  files: { name: string; size: number }[];
  size: number;
  wasmSha256: string;
  dev: boolean;
  problems: string[];
}

/** A granted permission with its reason and, for http and websocket, its scope. */
export interface PermissionDetails {
  name: string;
  reason?: string;
  allowLocalNetwork?: boolean;
  /** http: pattern → methods; websocket: patterns. */
  allowedUrls?: Record<string, string[]> | string[];
  /** subsonicapi: the users the plugin may act as. */
  allowedUsernames?: string[];
  /** subsonicapi: whether it may act as an admin. */
  allowAdmins?: boolean;
  /** Generation 2's http and websocket: the host name patterns it may reach. */
  requiredHosts?: string[];
}

export function permissionsOf(manifest: Manifest | ManifestV2): PermissionDetails[] {
  return Object.entries(manifest.permissions ?? {}).map(([name, value]) => {
    const { reason, allowLocalNetwork, allowedUrls, allowedUsernames, allowAdmins, requiredHosts } = (value ?? {}) as Record<string, unknown>;
    return {
      name,
      ...(typeof reason === "string" && { reason }),
      ...(Array.isArray(requiredHosts) && { requiredHosts: requiredHosts as string[] }),
      ...(typeof allowLocalNetwork === "boolean" && { allowLocalNetwork }),
      ...(allowedUrls !== undefined && { allowedUrls: allowedUrls as PermissionDetails["allowedUrls"] }),
      ...(Array.isArray(allowedUsernames) && { allowedUsernames: allowedUsernames as string[] }),
      ...(typeof allowAdmins === "boolean" && { allowAdmins }),
    };
  });
}

export async function installedDetails(plugin: InstalledPlugin): Promise<PluginDetails> {
  const summary = await describeInstalled(plugin);
  const plugged = await installedFiles(plugin);
  const files: PluginDetails["files"] = plugin.isPackage ? (await readAnyNdp(plugin.path)).files : [];
  for (const name of plugin.isPackage ? [] : PLUGIN_FILES) {
    const info = await stat(join(plugin.path, name)).catch(() => undefined);
    if (info?.isFile()) files.push({ name, size: info.size });
  }
  return {
    source: plugin.linkTarget ?? plugin.path,
    generation: plugged.generation,
    manifest: plugged.manifest,
    capabilities: capabilitiesOf(plugged),
    permissions: permissionsOf(plugged.manifest),
    files,
    size: plugin.isPackage ? (await stat(plugin.path)).size : files.reduce((total, file) => total + file.size, 0),
    wasmSha256: createHash("sha256").update(plugged.wasm).digest("hex"),
    dev: plugin.isDevLink,
    problems: summary.problems,
  };
}

/** The plugin's files; a folder without plugin.wasm (not built yet?) is named, with why. */
async function installedFiles(plugin: InstalledPlugin): Promise<PluginFiles> {
  if (!plugin.isPackage) await readWasm(plugin.path);
  return filesOfInstalled(plugin);
}

/** A plugin folder's plugin.wasm; a folder without one (not built yet?) is named, with why. */
function readWasm(folder: string): Promise<Buffer> {
  return readFile(join(folder, WASM_FILE)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw failure(`${folder} is not a plugin: ${missingFilesReason([WASM_FILE])}`, error);
    throw error;
  });
}
