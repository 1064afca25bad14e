import type { gen2 } from "@nd/protocol";
import { suspendingImport } from "../jspi.js";
import type { RunningInstance } from "./running-instance.js";

/** The `extism:host/env` functions a module imports, by name, made once per plugin version: each reaches the running instance's kernel. */
export function kernelImports(names: readonly string[], running: RunningInstance): Record<string, WebAssembly.ImportValue> {
  const all = kernelFunctions(running);
  return Object.fromEntries(names.map((name) => [name, all[name as gen2.KernelFunctionName]!]));
}

function kernelFunctions(running: RunningInstance): Record<gen2.KernelFunctionName, WebAssembly.ImportValue> {
  const k = () => running.current;
  return {
    alloc: (size: bigint) => k().arena.alloc(size),
    free: (handle: bigint) => k().arena.free(handle),
    length: (handle: bigint) => k().arena.length(handle),
    length_unsafe: (handle: bigint) => k().arena.length(handle),
    load_u8: (handle: bigint) => k().arena.loadU8(handle),
    load_u64: (handle: bigint) => k().arena.loadU64(handle),
    store_u8: (handle: bigint, value: number) => k().arena.storeU8(handle, value),
    store_u64: (handle: bigint, value: bigint) => k().arena.storeU64(handle, value),
    input_length: () => BigInt(k().inputLength),
    input_load_u8: (offset: bigint) => k().inputU8(offset),
    input_load_u64: (offset: bigint) => k().inputU64(offset),
    input_offset: () => k().inputHandle,
    output_set: (handle: bigint, length: bigint) => k().setOutput(handle, length),
    error_set: (handle: bigint) => k().setError(handle),
    error_get: () => k().errorHandle,
    config_get: (key: bigint) => k().configGet(key),
    var_get: (key: bigint) => k().varGet(key),
    var_set: (key: bigint, value: bigint) => k().varSet(key, value),
    http_request: suspendingImport((request: bigint, body: bigint) => running.suspend((kernel) => kernel.http.send(request, body))),
    http_status_code: () => k().http.status(),
    http_headers: () => k().http.headers(),
    log_trace: (handle: bigint) => k().log("trace", handle),
    log_debug: (handle: bigint) => k().log("debug", handle),
    log_info: (handle: bigint) => k().log("info", handle),
    log_warn: (handle: bigint) => k().log("warn", handle),
    log_error: (handle: bigint) => k().log("error", handle),
    get_log_level: () => k().logLevel,
  };
}
