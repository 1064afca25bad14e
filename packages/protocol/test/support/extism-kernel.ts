// A tiny Extism kernel for tests: blocks in a Map, input/output/error of one call, config,
// logs, and extism:host/user functions answered by JSON handlers. A handle is the block's
// number in the high 32 bits, so the plugin's `handle + offset` arithmetic lands in it.
import { gen2 } from "../../src/index.js";

export type UserFunction = (request: unknown) => unknown;

/** The kernel's http_request as a test answers it: request JSON and body in, a response out. */
export type KernelHttp = (
  request: { url: string; method: string; headers: Record<string, string> },
  body: string,
) => { status: number; headers: Record<string, string>; body: string };

export interface CallResult {
  rc: number;
  output: string;
  error: string | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class TestKernel {
  readonly config = new Map<string, string>();
  readonly userFunctions = new Map<string, UserFunction>();
  readonly hostCalls: { name: string; request: unknown; raw: string }[] = [];
  readonly logs: { level: string; message: string }[] = [];
  logLevel = 0;
  kernelHttp: KernelHttp | undefined;
  private lastHttp: { status: number; headers: Record<string, string> } | undefined;
  private blocks = new Map<bigint, Uint8Array>();
  private nextBlock = 1n;
  private input = new Uint8Array(0);
  private output = new Uint8Array(0);
  private error: string | null = null;

  /** A fresh instance, its initializer run, as a host does before every call. */
  instantiate(module: WebAssembly.Module): WebAssembly.Exports {
    const user: Record<string, (handle: bigint) => bigint> = {};
    for (const { module: from, name } of WebAssembly.Module.imports(module)) {
      if (from === gen2.USER_MODULE) user[name] = (handle) => this.serve(name, handle);
    }
    const instance = new WebAssembly.Instance(module, { [gen2.KERNEL_MODULE]: this.env(), [gen2.USER_MODULE]: user });
    (instance.exports._initialize as () => void)();
    return instance.exports;
  }

  /** Calls an export on a fresh instance with JSON input, as Navidrome does. */
  call(module: WebAssembly.Module, exportName: string, input: unknown = {}): CallResult {
    const exports = this.instantiate(module);
    this.input = encoder.encode(typeof input === "string" ? input : JSON.stringify(input));
    this.output = new Uint8Array(0);
    this.error = null;
    const rc = (exports[exportName] as () => number)();
    return { rc, output: decoder.decode(this.output), error: this.error };
  }

  /** Blocks still allocated (the plugin should free what it allocated for host calls). */
  get liveBlocks(): number {
    return this.blocks.size;
  }

  private block(handle: bigint): { bytes: Uint8Array; offset: number } {
    const bytes = this.blocks.get(handle >> 32n);
    if (!bytes) throw new Error(`no block at handle ${handle}`);
    return { bytes, offset: Number(handle & 0xffff_ffffn) };
  }

  private alloc(bytes: Uint8Array): bigint {
    if (bytes.length === 0) return 0n;
    const id = this.nextBlock++;
    this.blocks.set(id, bytes);
    return id << 32n;
  }

  private text(handle: bigint): string {
    return decoder.decode(this.block(handle).bytes);
  }

  private serve(name: string, handle: bigint): bigint {
    const raw = this.text(handle);
    const request = JSON.parse(raw) as unknown;
    this.hostCalls.push({ name, request, raw });
    const handler = this.userFunctions.get(name);
    if (!handler) throw new Error(`test kernel has no handler for ${name}`);
    return this.alloc(encoder.encode(JSON.stringify(handler(request))));
  }

  private log(level: string) {
    return (handle: bigint) => {
      this.logs.push({ level, message: this.text(handle) });
      this.blocks.delete(handle >> 32n);
    };
  }

  private env(): Record<string, (...args: never[]) => unknown> {
    const view = (handle: bigint) => this.block(handle);
    return {
      alloc: (length: bigint) => this.alloc(new Uint8Array(Number(length))),
      free: (handle: bigint) => void this.blocks.delete(handle >> 32n),
      length: (handle: bigint) => {
        const bytes = this.blocks.get(handle >> 32n);
        return bytes && (handle & 0xffff_ffffn) === 0n ? BigInt(bytes.length) : 0n;
      },
      load_u8: (handle: bigint) => {
        const { bytes, offset } = view(handle);
        return bytes[offset]!;
      },
      load_u64: (handle: bigint) => {
        const { bytes, offset } = view(handle);
        return new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(offset, true);
      },
      store_u8: (handle: bigint, value: number) => {
        const { bytes, offset } = view(handle);
        bytes[offset] = value;
      },
      store_u64: (handle: bigint, value: bigint) => {
        const { bytes, offset } = view(handle);
        new DataView(bytes.buffer, bytes.byteOffset).setBigUint64(offset, BigInt.asUintN(64, value), true);
      },
      input_length: () => BigInt(this.input.length),
      input_load_u8: (offset: bigint) => this.input[Number(offset)]!,
      input_load_u64: (offset: bigint) => new DataView(this.input.buffer, this.input.byteOffset).getBigUint64(Number(offset), true),
      output_set: (handle: bigint, length: bigint) => {
        this.output = handle === 0n ? new Uint8Array(0) : this.block(handle).bytes.slice(0, Number(length));
      },
      error_set: (handle: bigint) => {
        this.error = handle === 0n ? null : this.text(handle);
      },
      config_get: (handle: bigint) => {
        const value = this.config.get(this.text(handle));
        return value === undefined ? 0n : this.alloc(encoder.encode(value));
      },
      length_unsafe: (handle: bigint) => BigInt(this.block(handle).bytes.length - Number(handle & 0xffff_ffffn)),
      http_request: (request: bigint, body: bigint) => {
        if (!this.kernelHttp) throw new Error("test kernel refuses http_request");
        const answer = this.kernelHttp(JSON.parse(this.text(request)), body === 0n ? "" : this.text(body));
        this.lastHttp = answer;
        return this.alloc(encoder.encode(answer.body));
      },
      http_status_code: () => this.lastHttp?.status ?? 0,
      http_headers: () => (this.lastHttp ? this.alloc(encoder.encode(JSON.stringify(this.lastHttp.headers))) : 0n),
      get_log_level: () => this.logLevel,
      log_debug: this.log("debug"),
      log_info: this.log("info"),
      log_warn: this.log("warn"),
      log_error: this.log("error"),
    };
  }
}
