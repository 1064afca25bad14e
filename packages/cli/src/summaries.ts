import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest } from "@nd/manifest";
import { checkPluginModule } from "@nd/runtime";
import { failure } from "./errors.js";
import { missingFilesReason, PLUGIN_FILES, WASM_FILE, type InstalledPlugin } from "./plugins-folder.js";

/** `ready`: the files would load (manifest valid, module links); `invalid`: see `problems`. */
export type PluginFilesState = "ready" | "invalid";

/** One row of `nd plugin list`. */
export interface PluginSummary {
  name: string;
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
  const problems = plugin.manifest
    ? await checkPluginModule(await readWasm(plugin.path), plugin.manifest)
    : [plugin.manifestProblem ?? "manifest.json cannot be read"];
  return {
    name: plugin.name,
    ...(plugin.manifest && { version: plugin.manifest.version }),
    capabilities: [...new Set(plugin.manifest?.capabilities)],
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
  manifest: Manifest;
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
}

export function permissionsOf(manifest: Manifest): PermissionDetails[] {
  return Object.entries(manifest.permissions).map(([name, value]) => {
    const { reason, allowLocalNetwork, allowedUrls, allowedUsernames, allowAdmins } = (value ?? {}) as Record<string, unknown>;
    return {
      name,
      ...(typeof reason === "string" && { reason }),
      ...(typeof allowLocalNetwork === "boolean" && { allowLocalNetwork }),
      ...(allowedUrls !== undefined && { allowedUrls: allowedUrls as PermissionDetails["allowedUrls"] }),
      ...(Array.isArray(allowedUsernames) && { allowedUsernames: allowedUsernames as string[] }),
      ...(typeof allowAdmins === "boolean" && { allowAdmins }),
    };
  });
}

export async function installedDetails(plugin: InstalledPlugin): Promise<PluginDetails> {
  const summary = await describeInstalled(plugin);
  const files: PluginDetails["files"] = [];
  for (const name of PLUGIN_FILES) {
    const info = await stat(join(plugin.path, name)).catch(() => undefined);
    if (info?.isFile()) files.push({ name, size: info.size });
  }
  const wasm = await readWasm(plugin.path);
  return {
    source: plugin.linkTarget ?? plugin.path,
    manifest: plugin.manifest!,
    permissions: permissionsOf(plugin.manifest!),
    files,
    size: files.reduce((total, file) => total + file.size, 0),
    wasmSha256: createHash("sha256").update(wasm).digest("hex"),
    dev: plugin.isDevLink,
    problems: summary.problems,
  };
}

/** A plugin folder's plugin.wasm; a folder without one (not built yet?) is named, with why. */
function readWasm(folder: string): Promise<Buffer> {
  return readFile(join(folder, WASM_FILE)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw failure(`${folder} is not a plugin: ${missingFilesReason([WASM_FILE])}`, error);
    throw error;
  });
}
