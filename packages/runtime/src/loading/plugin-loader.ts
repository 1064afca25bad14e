import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { ManifestError, parseManifestWithWarnings, type Manifest } from "@nd/manifest";
import { API_VERSION, CAPABILITIES } from "@nd/protocol";
import { MANIFEST_FILE, WASM_FILE, type PluginFolder } from "./discovery.js";
import { PluginError, PluginLoadError } from "../errors.js";
import { envImportsOf, moduleProblems } from "./linking.js";
import { compileCapped, type ModuleCaps } from "./module-caps.js";
import { ModuleCapError } from "./wasm-sections.js";
import type { Plugin } from "../calling/plugin.js";

/** A plugin folder read and compiled, not yet running. */
export interface CompiledPlugin {
  readonly folder: PluginFolder;
  readonly manifest: Manifest;
  readonly module: WebAssembly.Module;
  readonly envImports: readonly string[];
  readonly exportNames: ReadonlySet<string>;
}

/** Reads and validates a folder's manifest.json; what it accepts but ignores goes to `warn`. */
export async function readManifest(folder: PluginFolder, warn: (message: string) => void): Promise<Manifest> {
  const file = join(folder.filesPath, MANIFEST_FILE);
  try {
    const { manifest, warnings } = parseManifestWithWarnings(await readFile(file, "utf8"), file);
    for (const warning of warnings) warn(`${file}: ${warning.message}`);
    return manifest;
  } catch (error) {
    if (error instanceof ManifestError) throw new PluginLoadError(basename(folder.path), error.message);
    throw new PluginLoadError(basename(folder.path), `cannot read ${file}: ${(error as Error).message}`);
  }
}

/** A folder's plugin.wasm compiled with its memory and tables capped, or why it could not be. */
export type ModuleFile = CompiledModule | { readonly problem: string };

/** A module compiled from `bytes` (kept for what the JavaScript API does not tell, such as import types). */
export interface CompiledModule {
  readonly module: WebAssembly.Module;
  readonly bytes: Uint8Array;
}

export async function compileModuleFile(folder: PluginFolder, caps: ModuleCaps): Promise<ModuleFile> {
  const file = join(folder.filesPath, WASM_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return { problem: `${file}: cannot be read (${(error as Error).message})` };
  }
  return compileModuleBytes(bytes, file, caps);
}

/** Module bytes compiled with their caps; `source` names them in the problem. */
export async function compileModuleBytes(bytes: Uint8Array, source: string, caps: ModuleCaps): Promise<ModuleFile> {
  try {
    return { module: await compileCapped(bytes, caps), bytes };
  } catch (error) {
    const why = error instanceof ModuleCapError ? error.message : `not a valid WebAssembly module (${(error as Error).message})`;
    return { problem: `${source}: ${why}` };
  }
}

/** Checks a compiled generation-1 module's imports and exports against its manifest. */
export function compilePlugin(folder: PluginFolder, manifest: Manifest, { module }: CompiledModule): CompiledPlugin {
  const [problem] = moduleProblems(module, manifest);
  if (problem) throw problem;
  const exportNames = new Set(WebAssembly.Module.exports(module).map((entry) => entry.name));
  return { folder, manifest, module, envImports: envImportsOf(module), exportNames };
}

/** Checks that every declared capability speaks API version 1. */
export async function verifyCapabilities(plugin: Plugin): Promise<void> {
  for (const name of plugin.manifest.capabilities) {
    const versionExport = CAPABILITIES[name].apiVersionExport;
    const outcome = await plugin.callNumber(versionExport);
    if (outcome.type !== "number") {
      const detail = "message" in outcome ? `: ${outcome.message}` : "";
      throw new PluginLoadError(plugin.name, `${versionExport} failed (${outcome.type}${detail})`);
    }
    if (outcome.value !== API_VERSION) {
      throw new PluginLoadError(
        plugin.name,
        `${versionExport} returned ${outcome.value}; this host speaks API version ${API_VERSION}`,
      );
    }
  }
}

/**
 * Runs LifecycleManagement.OnInit with the plugin's config and answers its error, if any. As in
 * Navidrome, a failed OnInit does not fail the load: the plugin stays loaded and callable.
 */
export async function initialize(plugin: Plugin, config: Record<string, string>): Promise<PluginError | undefined> {
  if (!plugin.implements("LifecycleManagement")) return undefined;
  try {
    await plugin.call("LifecycleManagement", "OnInit", { config });
    return undefined;
  } catch (error) {
    return error instanceof PluginError ? error : new PluginLoadError(plugin.name, String(error));
  }
}

/** Runs `work` over `items` with at most `limit` running at once, keeping order. */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
