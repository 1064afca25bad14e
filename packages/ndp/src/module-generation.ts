/** Node provides WebAssembly as a global; the ES2022 lib and @types/node do not declare it. */
declare const WebAssembly: {
  Module: {
    new (bytes: Uint8Array): object;
    imports(module: object): { module: string; name: string }[];
    exports(module: object): { name: string }[];
  };
};

/** Which plugin ABI a module speaks: 1 = protobuf over go-plugin (Navidrome v0.57), 2 = Extism and JSON (v0.60+). */
export type PluginGeneration = 1 | 2;

const EXTISM_MODULE_PREFIX = "extism:host/";
const GENERATION_2_EXPORT_PREFIX = "nd_";

/**
 * Reads the generation from the module itself: imports from `extism:host/*` or an `nd_*`
 * export mean generation 2, anything else generation 1. Throws the engine's CompileError
 * for bytes that are not a valid module.
 */
export function moduleGeneration(wasm: Uint8Array): PluginGeneration {
  const module = new WebAssembly.Module(wasm);
  const extismImport = WebAssembly.Module.imports(module).some((entry) => entry.module.startsWith(EXTISM_MODULE_PREFIX));
  const ndExport = WebAssembly.Module.exports(module).some((entry) => entry.name.startsWith(GENERATION_2_EXPORT_PREFIX));
  return extismImport || ndExport ? 2 : 1;
}
