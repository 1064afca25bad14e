import { gen2 } from "@nd/protocol";
import { fromUtf8, utf8 } from "../../channel/fields.js";
import { TrapError } from "../trap.js";
import { BlockArena } from "./blocks.js";
import { kernelHttp } from "./kernel-http.js";
import { LOG_LEVELS, type KernelLogLevel } from "./log-levels.js";

/** Extism caps the variables of one instance at 1 MiB, keys and values together. */
export const MAX_VAR_BYTES = 1024 * 1024;

export interface KernelSetup {
  /** The plugin's config, flattened to strings: `config_get` reads it. */
  readonly config: Readonly<Record<string, string>>;
  /** The lowest level logged (0 trace … 4 error, or "off" as i32 max). */
  readonly logLevel: number;
  /** Bytes the kernel's blocks may hold now (what the memory cap leaves). */
  readonly room: () => number;
  readonly log: (level: KernelLogLevel, text: string) => void;
  /** A host call answered on the manager's thread (the kernel's `http_request` goes there). */
  readonly hostCall: (importName: string, request: Uint8Array) => Promise<Uint8Array>;
}

/** What one call left behind: its output, its error text, if any. */
export interface CallResult {
  readonly error?: Uint8Array;
  readonly output: Uint8Array;
}

/**
 * The Extism kernel (`extism:host/env`) of one instance: blocks, the call's input and
 * output, the error, config, variables, logs and HTTP. Handles name blocks on the host's
 * side (see BlockArena); every one the plugin passes is checked.
 */
export class Kernel {
  readonly arena: BlockArena;
  private input = 0n;
  private output = { handle: 0n, length: 0n };
  private error = 0n;
  private readonly vars = new Map<string, Uint8Array>();
  private varBytes = 0;
  private readonly http;

  constructor(private readonly setup: KernelSetup) {
    this.arena = new BlockArena(setup.room);
    this.http = kernelHttp(this.arena, setup.hostCall);
  }

  /** Makes `bytes` the call's input. */
  setInput(bytes: Uint8Array): void {
    this.input = this.arena.put(bytes);
  }

  /** The output and error the plugin set, copied out. */
  result(): CallResult {
    const error = this.error === 0n ? undefined : this.arena.bytesFrom(this.error).slice();
    const { handle, length } = this.output;
    const output = handle === 0n ? new Uint8Array() : this.arena.slice(handle, length).slice();
    return { ...(error && { error }), output };
  }

  /** The output length the plugin set, before it is copied (to refuse a huge one). */
  get outputLength(): number {
    return Number(this.output.length);
  }

  /** The `extism:host/env` functions a module imports, by name. */
  imports(names: readonly string[]): Record<string, WebAssembly.ImportValue> {
    const all = this.functions();
    return Object.fromEntries(names.map((name) => [name, all[name as gen2.KernelFunctionName]!]));
  }

  private functions(): Record<gen2.KernelFunctionName, WebAssembly.ImportValue> {
    const arena = this.arena;
    const inputBytes = () => (this.input === 0n ? new Uint8Array() : arena.bytesFrom(this.input));
    return {
      alloc: (size: bigint) => arena.alloc(size),
      free: (handle: bigint) => arena.free(handle),
      length: (handle: bigint) => arena.length(handle),
      length_unsafe: (handle: bigint) => arena.length(handle),
      load_u8: (handle: bigint) => arena.slice(handle, 1n)[0]!,
      load_u64: (handle: bigint) => u64(arena.slice(handle, 8n)),
      store_u8: (handle: bigint, value: number) => void (arena.slice(handle, 1n)[0] = value),
      store_u64: (handle: bigint, value: bigint) => setU64(arena.slice(handle, 8n), value),
      input_length: () => BigInt(inputBytes().length),
      input_load_u8: (offset: bigint) => byteAt(inputBytes(), offset, 1)[0]!,
      input_load_u64: (offset: bigint) => u64(byteAt(inputBytes(), offset, 8)),
      input_offset: () => this.input,
      output_set: (handle: bigint, length: bigint) => void (this.output = { handle, length }),
      error_set: (handle: bigint) => void (this.error = handle),
      error_get: () => this.error,
      config_get: (key: bigint) => this.configGet(key),
      var_get: (key: bigint) => this.varGet(key),
      var_set: (key: bigint, value: bigint) => this.varSet(key, value),
      http_request: this.http.request,
      http_status_code: () => this.http.status(),
      http_headers: () => this.http.headers(),
      log_trace: (handle: bigint) => this.log("trace", handle),
      log_debug: (handle: bigint) => this.log("debug", handle),
      log_info: (handle: bigint) => this.log("info", handle),
      log_warn: (handle: bigint) => this.log("warn", handle),
      log_error: (handle: bigint) => this.log("error", handle),
      get_log_level: () => this.setup.logLevel,
    };
  }

  private text(handle: bigint): string {
    return fromUtf8(this.arena.bytesFrom(handle));
  }

  /** An empty value reads as absent, as the PDKs read a zero-length block. */
  private configGet(key: bigint): bigint {
    const name = this.text(key);
    const value = Object.hasOwn(this.setup.config, name) ? this.setup.config[name] : undefined;
    return value ? this.arena.put(utf8(value)) : 0n;
  }

  private varGet(key: bigint): bigint {
    const value = this.vars.get(this.text(key));
    return value ? this.arena.put(value) : 0n;
  }

  private varSet(keyHandle: bigint, valueHandle: bigint): void {
    const key = this.text(keyHandle);
    const old = this.vars.get(key);
    if (old) this.varBytes -= key.length + old.length;
    this.vars.delete(key);
    if (valueHandle === 0n) return;
    const value = this.arena.bytesFrom(valueHandle).slice();
    if (this.varBytes + key.length + value.length > MAX_VAR_BYTES) {
      throw new TrapError(`the plugin's variables would pass ${MAX_VAR_BYTES} bytes (var_set of "${key}")`);
    }
    this.vars.set(key, value);
    this.varBytes += key.length + value.length;
  }

  private log(level: KernelLogLevel, handle: bigint): void {
    const text = this.text(handle);
    this.arena.free(handle);
    if (LOG_LEVELS[level] >= this.setup.logLevel) this.setup.log(level, text);
  }
}

function byteAt(bytes: Uint8Array, offset: bigint, length: number): Uint8Array {
  if (offset < 0n || offset + BigInt(length) > BigInt(bytes.length)) {
    throw new TrapError(`the plugin read input at ${offset}+${length}, past its ${bytes.length} bytes`);
  }
  return bytes.subarray(Number(offset), Number(offset) + length);
}

function u64(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
}

function setU64(bytes: Uint8Array, value: bigint): void {
  new DataView(bytes.buffer, bytes.byteOffset, 8).setBigUint64(0, BigInt.asUintN(64, value), true);
}
