import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { ManifestError, parseManifestV2WithWarnings, pluginIdProblem, validateManifestV2Exports, type ManifestV2 } from "@nd/manifest";
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

/** Links a compiled generation-2 module with its folder's manifest; throws the first problem found. */
export async function compileGen2(
  folder: PluginFolder,
  module: WebAssembly.Module,
  warn: (message: string) => void,
): Promise<CompiledGen2Plugin> {
  const id = basename(folder.path);
  const idProblem = pluginIdProblem(id);
  if (idProblem) throw new PluginLoadError(id, idProblem);
  const manifest = readManifestV2(id, await readManifestText(folder, id), join(folder.filesPath, MANIFEST_FILE), warn);
  const [problem] = gen2ModuleProblems(module, id, manifest.permissions);
  if (problem) throw problem;
  const exportNames = new Set(WebAssembly.Module.exports(module).map((entry) => entry.name));
  const [crossField] = validateManifestV2Exports(manifest, exportNames);
  if (crossField) throw new PluginLoadError(id, `manifest validation: ${crossField.path ? `${crossField.path}: ` : ""}${crossField.message}`);
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

function readManifestV2(id: string, text: string, source: string, warn: (message: string) => void): ManifestV2 {
  try {
    const { manifest, warnings } = parseManifestV2WithWarnings(text, source);
    for (const warning of warnings) warn(`${source}: ${warning.message}`);
    return manifest;
  } catch (error) {
    if (error instanceof ManifestError) throw new PluginLoadError(id, error.message);
    throw error;
  }
}
