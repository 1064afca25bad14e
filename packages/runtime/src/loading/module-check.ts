import type { Manifest } from "@nd/manifest";
import { MANAGER_DEFAULTS } from "../manager-options.js";
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
