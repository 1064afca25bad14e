import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ManifestError,
  parseManifestV2WithWarnings,
  pluginIdProblem,
  validateManifestV2,
  validateManifestV2Exports,
  validatePluginConfig,
  type ManifestProblem,
  type ManifestV2,
} from "@nd/manifest";
import { gen2 } from "@nd/protocol";
import { PluginLoadError } from "../errors.js";
import { MANIFEST_FILE, pluginIdOf, type PluginFolder } from "./discovery.js";
import { gen2ModuleProblems, importsFrom } from "./gen2-linking.js";
import { functionImportSignatures } from "./import-signatures.js";
import type { CompiledModule } from "./plugin-loader.js";
import { hasSection } from "./wasm-sections.js";

const START_SECTION = 8;

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
  /** Whether instantiating runs none of the plugin's code (no start function): then it may be done ahead of a call. */
  readonly instantiatesWithoutCode: boolean;
}

/** Links a compiled generation-2 module with its folder's manifest; throws the first problem found. */
export function compileGen2(
  folder: PluginFolder,
  file: CompiledModule,
  manifest: ManifestV2,
  configValues?: Readonly<Record<string, unknown>>,
): CompiledGen2Plugin {
  const { module } = file;
  const id = pluginIdOf(folder);
  const idProblem = pluginIdProblem(id);
  if (idProblem) throw new PluginLoadError(id, idProblem);
  const [problem] = gen2ModuleProblems(module, id, manifest.permissions, functionImportSignatures(file.bytes));
  if (problem) throw problem;
  const exportNames = new Set(WebAssembly.Module.exports(module).map((entry) => entry.name));
  const [crossField] = validateManifestV2Exports(manifest, exportNames);
  if (crossField) throw new PluginLoadError(id, `manifest validation: ${crossField.path ? `${crossField.path}: ` : ""}${crossField.message}`);
  if (configValues) checkConfigValues(id, manifest, configValues);
  return {
    generation: 2,
    folder,
    id,
    manifest,
    module,
    exportNames,
    kernelImports: importsFrom(module, gen2.KERNEL_MODULE),
    userImports: importsFrom(module, gen2.USER_MODULE),
    instantiatesWithoutCode: !hasSection(file.bytes, START_SECTION),
  };
}

/** The plugin's config values against its manifest's `config.schema`: every mismatch, with its field, fails the load. */
function checkConfigValues(id: string, manifest: ManifestV2, values: Readonly<Record<string, unknown>>): void {
  const problems = validatePluginConfig(manifest.config, { ...values });
  if (problems.length === 0) return;
  throw new PluginLoadError(id, `its config does not match the plugin's config.schema: ${listed(problems)}`);
}

/** Reads and validates a plugin folder's generation-2 manifest.json; what it accepts but ignores goes to `warn`. */
export async function readFolderManifestV2(folder: PluginFolder, warn: (message: string) => void): Promise<ManifestV2> {
  const id = pluginIdOf(folder);
  const file = join(folder.filesPath, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new PluginLoadError(id, `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const { manifest, warnings } = parseManifestV2WithWarnings(text, file);
    for (const warning of warnings) warn(`${file}: ${warning.message}`);
    return manifest;
  } catch (error) {
    if (error instanceof ManifestError) throw new PluginLoadError(id, error.message);
    throw error;
  }
}

/** Validates the manifest a `.ndp` package holds. */
export function packageManifestV2(folder: PluginFolder, value: unknown, warn: (message: string) => void): ManifestV2 {
  const source = `${folder.path}:${MANIFEST_FILE}`;
  const result = validateManifestV2(value);
  for (const warning of result.warnings) warn(`${source}: ${warning.message}`);
  if (result.ok) return result.manifest;
  throw new PluginLoadError(pluginIdOf(folder), `${source} is not a valid generation-2 manifest: ${listed(result.problems)}`);
}

/** Problems in one line: each with where it is (a JSON pointer, "/" for the whole) and what is wrong. */
function listed(problems: readonly ManifestProblem[]): string {
  return problems.map((problem) => `${problem.path || "/"}: ${problem.message}`).join("; ");
}
