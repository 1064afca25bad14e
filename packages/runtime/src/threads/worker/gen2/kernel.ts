import { fromUtf8, utf8 } from "../../channel/fields.js";
import { TrapError } from "../trap.js";
import { BlockArena } from "./blocks.js";
import { KernelHttp } from "./kernel-http.js";
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
 * side (see BlockArena); every one the plugin passes is checked. The functions the module
 * imports are made once per plugin version and reach the running instance's kernel (see
 * kernel-imports.ts).
 */
export class Kernel {
  readonly arena: BlockArena;
  private input = 0n;
  private inputBytes: Uint8Array = new Uint8Array();
  private inputView = new DataView(this.inputBytes.buffer);
  private output = { handle: 0n, length: 0n };
  private error = 0n;
  private readonly vars = new Map<string, Uint8Array>();
  private varBytes = 0;
  readonly http: KernelHttp;

  constructor(private readonly setup: KernelSetup) {
    this.arena = new BlockArena(setup.room);
    this.http = new KernelHttp(this.arena, setup.hostCall);
  }

  /** Makes `bytes` the call's input. */
  setInput(bytes: Uint8Array): void {
    this.input = this.arena.put(bytes);
    if (this.input === 0n) return;
    // The block's bytes stay readable as input even once the plugin has freed the block.
    this.inputBytes = this.arena.bytesFrom(this.input);
    this.inputView = new DataView(this.inputBytes.buffer, this.inputBytes.byteOffset, this.inputBytes.byteLength);
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

  get logLevel(): number {
    return this.setup.logLevel;
  }

  get inputLength(): number {
    return this.inputBytes.length;
  }

  inputU8(offset: bigint): number {
    return this.inputBytes[this.inputOffset(offset, 1)]!;
  }

  inputU64(offset: bigint): bigint {
    return this.inputView.getBigUint64(this.inputOffset(offset, 8), true);
  }

  private inputOffset(offset: bigint, length: number): number {
    const at = Number(offset);
    if (!(at >= 0 && at + length <= this.inputBytes.length)) {
      throw new TrapError(`the plugin read input at ${offset}+${length}, past its ${this.inputBytes.length} bytes`);
    }
    return at;
  }

  get inputHandle(): bigint {
    return this.input;
  }

  setOutput(handle: bigint, length: bigint): void {
    this.output = { handle, length };
  }

  get errorHandle(): bigint {
    return this.error;
  }

  setError(handle: bigint): void {
    this.error = handle;
  }

  private text(handle: bigint): string {
    return fromUtf8(this.arena.bytesFrom(handle));
  }

  /** An empty value reads as absent, as the PDKs read a zero-length block. */
  configGet(key: bigint): bigint {
    const name = this.text(key);
    const value = Object.hasOwn(this.setup.config, name) ? this.setup.config[name] : undefined;
    return value ? this.arena.put(utf8(value)) : 0n;
  }

  varGet(key: bigint): bigint {
    const value = this.vars.get(this.text(key));
    return value ? this.arena.put(value) : 0n;
  }

  varSet(keyHandle: bigint, valueHandle: bigint): void {
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

  log(level: KernelLogLevel, handle: bigint): void {
    const text = this.text(handle);
    this.arena.free(handle);
    if (LOG_LEVELS[level] >= this.setup.logLevel) this.setup.log(level, text);
  }
}
