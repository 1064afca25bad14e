import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { ManifestV2 } from "@nd/manifest";
import { gen2 } from "@nd/protocol";
import { PluginLoadError } from "../errors.js";
import { MANIFEST_FILE, type PluginFolder } from "./discovery.js";
import { gen2ModuleProblems, importsFrom } from "./gen2-linking.js";

/** A generation-2 plugin read and compiled, not yet running. */
export interface CompiledGen2Plugin {
  readonly generation: 2;
  readonly folder: PluginFolder;
  /** The plugin ID: the folder's (or `.ndp` file's) name; the manifest name is only for display. */
  readonly id: string;
  readonly manifest: ManifestV2;
  readonly module: WebAssembly.Module;
  readonly exportNames: ReadonlySet<string>;
  readonly kernelImports: readonly string[];
  readonly userImports: readonly string[];
}

/** Why a name cannot be a plugin ID, or undefined when it can. */
export function pluginIdProblem(id: string): string | undefined {
  if (id === "" || id === "." || id === "..") return `"${id}" is not a plugin ID`;
  if (/[/\\\0]/.test(id)) return `the plugin ID "${id}" holds a path separator`;
  return undefined;
}

/** Links a compiled generation-2 module with its folder's manifest; throws the first problem found. */
export async function compileGen2(folder: PluginFolder, module: WebAssembly.Module): Promise<CompiledGen2Plugin> {
  const id = basename(folder.path);
  const idProblem = pluginIdProblem(id);
  if (idProblem) throw new PluginLoadError(id, idProblem);
  const manifest = parseManifestV2(id, await readManifestText(folder, id), join(folder.filesPath, MANIFEST_FILE));
  const [problem] = gen2ModuleProblems(module, id, manifest.permissions);
  if (problem) throw problem;
  const exportNames = new Set(WebAssembly.Module.exports(module).map((entry) => entry.name));
  return {
    generation: 2,
    folder,
    id,
    manifest,
    module,
    exportNames,
    kernelImports: importsFrom(module, gen2.KERNEL_MODULE),
    userImports: importsFrom(module, gen2.USER_MODULE),
  };
}

async function readManifestText(folder: PluginFolder, id: string): Promise<string> {
  const file = join(folder.filesPath, MANIFEST_FILE);
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new PluginLoadError(id, `cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The fields the runtime relies on: name, author and version are required strings, permissions an object. */
function parseManifestV2(id: string, text: string, source: string): ManifestV2 {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PluginLoadError(id, `${source}: not JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new PluginLoadError(id, `${source}: not a JSON object`);
  const manifest = value as Record<string, unknown>;
  for (const field of ["name", "author", "version"]) {
    if (typeof manifest[field] !== "string" || manifest[field] === "") {
      throw new PluginLoadError(id, `${source}: "${field}" must be a non-empty string`);
    }
  }
  const permissions = manifest.permissions;
  if (permissions !== undefined && (typeof permissions !== "object" || permissions === null || Array.isArray(permissions))) {
    throw new PluginLoadError(id, `${source}: "permissions" must be an object`);
  }
  return manifest as unknown as ManifestV2;
}
