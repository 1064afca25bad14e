// A minimal host for the Go SDK tests: instantiates a plugin module with
// Node's WASI (preview1, no files, no environment) and `env` functions written
// in the test, and speaks the wire contract (docs/architecture.md) directly.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WASI } from "node:wasi";
import { HOST_MODULE, PLUGIN_EXPORTS, packPtrLen, unpackPtrLen } from "../src/index.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
// Node has WebAssembly as a global; the ES2022 lib and @types/node do not declare it.
export interface WasmModule {
  readonly __brand?: "WebAssembly.Module";
}
interface WasmDescriptor {
  module?: string;
  name: string;
}
declare const WebAssembly: {
  Module: {
    new (bytes: Uint8Array): WasmModule;
    imports(module: WasmModule): WasmDescriptor[];
    exports(module: WasmModule): WasmDescriptor[];
  };
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
};

export const repoRoot = join(packageDir, "..", "..");
export const goModuleDir = join(packageDir, "go");

/** An `env` function: gets the encoded request, returns the encoded response or an error string. */
export type HostFunctionImpl = (request: Uint8Array) => Uint8Array | { error: string };

export type CallResult =
  | { kind: "response"; bytes: Uint8Array }
  | { kind: "error"; message: string }
  | { kind: "undecodable" };

interface PluginExports {
  memory: { readonly buffer: ArrayBuffer };
  malloc(size: number): number;
  free(ptr: number): void;
  [name: string]: unknown;
}

/** Builds a Go plugin folder to `out` with the SDK's build script. */
export function buildGoPlugin(pluginDir: string, out: string): void {
  const script = join(goModuleDir, "build-plugin.mjs");
  const result = spawnSync(process.execPath, [script, "--dir", pluginDir, "--out", out], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`building ${pluginDir} failed:\n${result.stdout}${result.stderr}`);
}

export function exportNamesOf(module: WasmModule): string[] {
  return WebAssembly.Module.exports(module).map((entry) => entry.name).sort();
}

export function envImportsOf(module: WasmModule): string[] {
  return WebAssembly.Module.imports(module)
    .filter((entry) => entry.module === HOST_MODULE)
    .map((entry) => entry.name)
    .sort();
}

export function compile(wasmPath: string): WasmModule {
  return new WebAssembly.Module(readFileSync(wasmPath));
}

export class PluginInstance {
  private constructor(private readonly exports: PluginExports) {}

  /** Instantiates the module; `env` functions not given are left out, as for an ungranted service. */
  static create(module: WasmModule, env: Record<string, HostFunctionImpl>): PluginInstance {
    const wasi = new WASI({ version: "preview1", args: [], env: {}, returnOnExit: true });
    let plugin: PluginInstance | undefined;
    const envImports: Record<string, (ptr: number, len: number) => bigint> = {};
    for (const [name, impl] of Object.entries(env)) {
      envImports[name] = (ptr, len) => plugin!.answerHostCall(impl, ptr, len);
    }
    const instance = new WebAssembly.Instance(module, {
      wasi_snapshot_preview1: wasi.wasiImport,
      [HOST_MODULE]: envImports,
    });
    plugin = new PluginInstance(instance.exports as unknown as PluginExports);
    if (PLUGIN_EXPORTS.initialize in instance.exports) wasi.initialize(instance);
    return plugin;
  }

  private bytes(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, ptr, len).slice();
  }

  /** Writes bytes into a block allocated with the plugin's malloc. */
  private write(data: Uint8Array): number {
    const ptr = this.exports.malloc(data.length);
    new Uint8Array(this.exports.memory.buffer, ptr, data.length).set(data);
    return ptr;
  }

  private answerHostCall(impl: HostFunctionImpl, ptr: number, len: number): bigint {
    const answer = impl(this.bytes(ptr, len));
    if (answer instanceof Uint8Array) return packPtrLen(this.write(answer), answer.length);
    const message = new TextEncoder().encode(answer.error);
    return packPtrLen(this.write(message), message.length, true);
  }

  /** Calls `<prefix><method>` the way the host does: malloc, call, free, read, free. */
  call(exportName: string, request: Uint8Array): CallResult {
    const fn = this.exports[exportName] as (ptr: number, len: number) => bigint;
    const ptr = this.write(request);
    const result = fn(ptr, request.length);
    this.exports.free(ptr);
    if (result === 0n) return { kind: "undecodable" };
    const { ptr: resPtr, len, isError } = unpackPtrLen(result);
    const bytes = this.bytes(resPtr, len);
    this.exports.free(resPtr);
    return isError ? { kind: "error", message: new TextDecoder().decode(bytes) } : { kind: "response", bytes };
  }

  apiVersion(exportName: string): bigint {
    return (this.exports[exportName] as () => bigint)();
  }
}
