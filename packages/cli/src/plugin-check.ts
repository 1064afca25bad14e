import type { Manifest } from "@nd/manifest";
import { ALWAYS_PROVIDED_IMPORTS, CAPABILITIES, HOST_MODULE, PLUGIN_EXPORTS, findHostFunction } from "@nd/protocol";

const WASI_MODULE = "wasi_snapshot_preview1";

/**
 * Checks, without running any plugin code, what the host checks when it links a plugin:
 * the module compiles, imports only host functions its manifest grants, and exports the
 * memory, the allocator and every declared capability. Returns the problems found.
 */
export async function checkPluginModule(wasm: Uint8Array, manifest: Manifest): Promise<string[]> {
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>);
  } catch (error) {
    return [`plugin.wasm does not compile: ${(error as Error).message}`];
  }
  return [...importProblems(module, manifest), ...exportProblems(module, manifest)];
}

function importProblems(module: WebAssembly.Module, manifest: Manifest): string[] {
  const problems: string[] = [];
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    if (from === WASI_MODULE && kind === "function") continue;
    if (from !== HOST_MODULE || kind !== "function") {
      problems.push(`imports ${kind} ${from}.${name}, which the host does not provide`);
    } else if (!(ALWAYS_PROVIDED_IMPORTS as readonly string[]).includes(name)) {
      const fn = findHostFunction(name);
      if (!fn) problems.push(`imports env.${name}, which is not a host function`);
      else if (manifest.permissions[fn.permission] === undefined) {
        problems.push(`imports env.${name} of ${fn.service} without the "${fn.permission}" permission in manifest.json`);
      }
    }
  }
  return problems;
}

function exportProblems(module: WebAssembly.Module, manifest: Manifest): string[] {
  const exports = new Map(WebAssembly.Module.exports(module).map((entry) => [entry.name, entry.kind]));
  const problems: string[] = [];
  const required = [
    [PLUGIN_EXPORTS.memory, "memory"],
    [PLUGIN_EXPORTS.malloc, "function"],
    [PLUGIN_EXPORTS.free, "function"],
  ] as const;
  for (const [name, kind] of required) {
    if (exports.get(name) !== kind) problems.push(`does not export the ${kind} "${name}"`);
  }
  for (const capability of manifest.capabilities) {
    const { apiVersionExport } = CAPABILITIES[capability];
    if (exports.get(apiVersionExport) !== "function") {
      problems.push(`declares ${capability} but does not export "${apiVersionExport}"`);
    }
  }
  return problems;
}
