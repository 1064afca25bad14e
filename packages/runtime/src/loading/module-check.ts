import { validateManifestV2Exports, type Manifest, type ManifestV2 } from "@nd/manifest";
import { MANAGER_DEFAULTS } from "../manager-options.js";
import { gen2ModuleProblems } from "./gen2-linking.js";
import { moduleGeneration } from "./generation.js";
import { functionImportSignatures } from "./import-signatures.js";
import { moduleProblems } from "./linking.js";
import { compileCapped, type ModuleCaps } from "./module-caps.js";
import { ModuleCapError } from "./wasm-sections.js";

/**
 * Checks a plugin the way the host checks it when linking, without running any of its
 * code: the module fits the memory and table caps (the manager's defaults unless given),
 * compiles, imports only host functions its manifest grants, and exports its memory, the
 * allocator and every declared capability's api_version.
 * Returns one sentence per problem; an empty list means the host would link it.
 */
export async function checkPluginModule(wasm: Uint8Array, manifest: Manifest, caps: ModuleCaps = MANAGER_DEFAULTS): Promise<string[]> {
  let module: WebAssembly.Module;
  try {
    module = await compileCapped(wasm, caps);
  } catch (error) {
    if (error instanceof ModuleCapError) return [`plugin.wasm does not fit the host's caps: ${error.message}`];
    return [`plugin.wasm is not a valid WebAssembly module: ${(error as Error).message}`];
  }
  return moduleProblems(module, manifest).map((problem) => problem.message);
}

/**
 * `checkPluginModule` for a generation-2 plugin: the module fits the caps and compiles, is a
 * generation-2 module, imports only kernel functions and host functions its manifest grants
 * (with their signatures), exports its memory, and meets the manifest rules that need its
 * exports (`validateManifestV2Exports`). One sentence per problem; empty when it would load.
 */
export async function checkPluginModuleV2(wasm: Uint8Array, manifest: ManifestV2, caps: ModuleCaps = MANAGER_DEFAULTS): Promise<string[]> {
  let module: WebAssembly.Module;
  try {
    module = await compileCapped(wasm, caps);
  } catch (error) {
    if (error instanceof ModuleCapError) return [`plugin.wasm does not fit the host's caps: ${error.message}`];
    return [`plugin.wasm is not a valid WebAssembly module: ${(error as Error).message}`];
  }
  const generation = moduleGeneration(module);
  if (generation !== 2) return [typeof generation === "string" ? `plugin.wasm ${generation}` : "plugin.wasm is a generation-1 module"];
  const linking = gen2ModuleProblems(module, manifest.name, manifest.permissions, functionImportSignatures(wasm)).map((p) => p.message);
  const exportNames = WebAssembly.Module.exports(module).map((entry) => entry.name);
  const rules = validateManifestV2Exports(manifest, exportNames).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
  return [...linking, ...rules];
}
