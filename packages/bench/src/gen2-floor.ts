import { readFileSync } from "node:fs";

/**
 * The least an Extism kernel can be: blocks bump-allocated in one growing buffer (handle =
 * offset, never 0), no bounds checks, no limits, no variables kept past a call. What is not
 * implemented traps, so a module needing more fails loudly.
 */
class BareKernel {
  private bytes = new Uint8Array(64 * 1024);
  private view = new DataView(this.bytes.buffer);
  private top = 8;
  private readonly lengths = new Map<number, number>();
  private readonly vars = new Map<string, bigint>();
  private input: Uint8Array = new Uint8Array();
  private inputView: DataView = new DataView(this.input.buffer);
  output = new Uint8Array();

  reset(input: Uint8Array): void {
    this.top = 8;
    this.lengths.clear();
    this.vars.clear();
    this.input = input;
    this.inputView = new DataView(input.buffer, input.byteOffset, input.byteLength);
    this.output = new Uint8Array();
  }

  functions(): Record<string, (...args: bigint[]) => bigint | number | void> {
    return {
      alloc: (size) => this.alloc(Number(size)),
      free: () => {},
      length: (handle) => BigInt(this.lengths.get(Number(handle)) ?? 0),
      length_unsafe: (handle) => BigInt(this.lengths.get(Number(handle)) ?? 0),
      load_u8: (at) => this.bytes[Number(at)]!,
      load_u64: (at) => this.view.getBigUint64(Number(at), true),
      store_u8: (at, value) => {
        this.bytes[Number(at)] = Number(value);
      },
      store_u64: (at, value) => this.view.setBigUint64(Number(at), value!, true),
      input_length: () => BigInt(this.input.length),
      input_load_u8: (at) => this.input[Number(at)]!,
      input_load_u64: (at) => this.inputView.getBigUint64(Number(at), true),
      output_set: (at, length) => {
        this.output = this.bytes.slice(Number(at), Number(at) + Number(length));
      },
      var_get: (key) => this.vars.get(this.text(key)) ?? 0n,
      var_set: (key, value) => {
        this.vars.set(this.text(key), value!);
      },
    };
  }

  private text(handle: bigint): string {
    const at = Number(handle);
    return new TextDecoder().decode(this.bytes.subarray(at, at + (this.lengths.get(at) ?? 0)));
  }

  private alloc(size: number): bigint {
    const at = this.top;
    this.top += Math.max(size, 1);
    if (this.top > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.top, this.bytes.length * 2));
      grown.set(this.bytes);
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.lengths.set(at, size);
    return BigInt(at);
  }
}

/**
 * A Navidrome v0.63-like call on this thread: a fresh `WebAssembly.Instance` of an Extism-ABI
 * module per call, its initializer, the export, the output read, over BareKernel. No worker,
 * no sandbox, no deadline: the floor of generation 2's fresh-instance-per-call model. With
 * `reuseInstance`, one instance serves every call (what the fresh instance costs, by difference).
 */
export function bareGen2Call(wasmPath: URL, { reuseInstance = false } = {}): (exportName: string, input: string) => string {
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const kernel = new BareKernel();
  const kernelFunctions = kernel.functions();
  const missing = (name: string) => () => {
    throw new Error(`the bare kernel has no ${name}`);
  };
  const env: Record<string, WebAssembly.ImportValue> = {};
  for (const { module: from, name } of WebAssembly.Module.imports(module)) {
    if (from === "extism:host/env") env[name] = kernelFunctions[name] ?? missing(name);
  }
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const instantiate = () => {
    const exports = new WebAssembly.Instance(module, { "extism:host/env": env }).exports as Record<string, () => number>;
    (exports._initialize ?? exports.__wasm_call_ctors)?.();
    return exports;
  };
  const reused = reuseInstance ? instantiate() : undefined;
  return (exportName, input) => {
    kernel.reset(encoder.encode(input));
    const exports = reused ?? instantiate();
    const rc = exports[exportName]!();
    if (rc !== 0) throw new Error(`${exportName} returned ${rc}`);
    return decoder.decode(kernel.output);
  };
}
