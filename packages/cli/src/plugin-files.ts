import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseManifest, parseManifestV2, type Manifest, type ManifestV2 } from "@nd/manifest";
import { moduleGeneration, readAnyNdp } from "@nd/ndp";
import { gen2 } from "@nd/protocol";
import { checkPluginModule, checkPluginModuleV2 } from "@nd/runtime";
import { failure } from "./errors.js";
import { pathProblem } from "./path-arguments.js";

export const MANIFEST_FILE = "manifest.json";
export const WASM_FILE = "plugin.wasm";

/** A plugin's manifest and module, of either generation (read from the module, never guessed from names). */
export type PluginFiles =
  | { readonly generation: 1; readonly manifest: Manifest; readonly wasm: Uint8Array }
  | { readonly generation: 2; readonly manifest: ManifestV2; readonly wasm: Uint8Array };

/** Why a folder is no plugin, worded as the host's warning is. */
export function missingFilesReason(missing: readonly string[]): string {
  const hint = missing.length === 1 && missing[0] === WASM_FILE ? " (not built yet?)" : "";
  return `it has no ${missing.join(" and no ")}${hint}; a plugin folder holds ${MANIFEST_FILE} and ${WASM_FILE}`;
}

/** A module that does not compile is taken as generation 1, whose checks then say what is wrong with it. */
export function generationOf(wasm: Uint8Array): 1 | 2 {
  try {
    return moduleGeneration(wasm);
  } catch {
    return 1;
  }
}

/** Reads a plugin folder: manifest.json by the rules of the generation its plugin.wasm says. */
export async function readPluginFolder(folder: string): Promise<PluginFiles> {
  const path = join(folder, MANIFEST_FILE);
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw failure(`${folder} has no ${MANIFEST_FILE}: it is not a plugin folder`, error);
    throw pathProblem(path, "manifest", error);
  });
  const wasm = await readFile(join(folder, WASM_FILE)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw failure(`${folder} is not a plugin: ${missingFilesReason([WASM_FILE])}`, error);
    throw error;
  });
  const bytes = new Uint8Array(wasm);
  return generationOf(bytes) === 2
    ? { generation: 2, manifest: parseManifestV2(text, path), wasm: bytes }
    : { generation: 1, manifest: parseManifest(text, path), wasm: bytes };
}

/** Reads a .ndp package of either generation. */
export async function readPluginPackage(file: string): Promise<PluginFiles> {
  const ndp = await readAnyNdp(file);
  return ndp.generation === 2
    ? { generation: 2, manifest: ndp.manifest, wasm: ndp.wasm }
    : { generation: 1, manifest: ndp.manifest, wasm: ndp.wasm };
}

/** Capabilities: declared in a generation-1 manifest, detected from the `nd_*` exports of a generation-2 module. */
export function capabilitiesOf(files: PluginFiles): string[] {
  if (files.generation === 1) return [...new Set(files.manifest.capabilities)];
  return gen2.detectCapabilities(exportNames(files.wasm));
}

/** Permission keys the manifest grants. */
export function permissionNamesOf(files: { readonly manifest: Manifest | ManifestV2 }): string[] {
  return Object.keys(files.manifest.permissions ?? {});
}

/** What would keep the plugin from loading, one sentence each (the runtime's own checks); empty when it would load. */
export async function pluginProblems(files: PluginFiles): Promise<string[]> {
  return files.generation === 1 ? checkPluginModule(files.wasm, files.manifest) : checkPluginModuleV2(files.wasm, files.manifest);
}

function exportNames(wasm: Uint8Array): string[] {
  try {
    return WebAssembly.Module.exports(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>)).map((entry) => entry.name);
  } catch {
    return [];
  }
}
