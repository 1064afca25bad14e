import { HOST_MODULE, PLUGIN_EXPORTS, gen2 } from "@nd/protocol";

/** Which ABI a module speaks: 1 (go-plugin, protobuf) or 2 (Extism, JSON). */
export type Generation = 1 | 2;

const EXTISM_MODULES: readonly string[] = [gen2.KERNEL_MODULE, gen2.USER_MODULE];

/**
 * Reads a module's generation from its imports and exports, never from its file name:
 * imports of `extism:host/*` or any `nd_*` export mean 2; the go-plugin exports
 * (`malloc`, `<capability>_api_version`) or imports of `env` mean 1. Answers a sentence
 * saying what it found when the module has the marks of neither.
 */
export function moduleGeneration(module: WebAssembly.Module): Generation | string {
  const imports = WebAssembly.Module.imports(module);
  const exports = WebAssembly.Module.exports(module).map((entry) => entry.name);
  if (imports.some((entry) => EXTISM_MODULES.includes(entry.module)) || exports.some((name) => name.startsWith("nd_"))) return 2;
  const goPlugin = exports.some((name) => name === PLUGIN_EXPORTS.malloc || name.endsWith("_api_version"));
  if (goPlugin || imports.some((entry) => entry.module === HOST_MODULE)) return 1;
  const modules = [...new Set(imports.map((entry) => entry.module))];
  return (
    `is neither a generation-1 plugin (no malloc or *_api_version export, no "env" import) nor a generation-2 plugin ` +
    `(no nd_* export, no extism:host import); it imports ${modules.length ? modules.join(", ") : "nothing"} and exports ${exports.length ? exports.join(", ") : "nothing"}`
  );
}
