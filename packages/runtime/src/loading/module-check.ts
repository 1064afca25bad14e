import type { Manifest } from "@nd/manifest";
import { moduleProblems } from "./linking.js";

/**
 * Checks a plugin the way the host checks it when linking, without running any of its
 * code: the module compiles, imports only host functions its manifest grants, and
 * exports its memory, the allocator and every declared capability's api_version.
 * Returns one sentence per problem; an empty list means the host would link it.
 */
export async function checkPluginModule(wasm: Uint8Array, manifest: Manifest): Promise<string[]> {
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
  } catch (error) {
    return [`plugin.wasm is not a valid WebAssembly module: ${(error as Error).message}`];
  }
  return moduleProblems(module, manifest).map((problem) => problem.message);
}
