import {
  ALWAYS_PROVIDED_IMPORTS,
  CAPABILITIES,
  DecodeLimitError,
  decodeBounded,
  HOST_MODULE,
  PLUGIN_EXPORTS,
  packPtrLen,
  unpackPtrLen,
  type MessageCodec,
} from "@nd/protocol";
import { createAssemblyScriptEnv } from "./assemblyscript-env.js";
import type { HostFunction } from "./host-functions.js";
import type { CallOutcome, PluginImage } from "./messages.js";
import { PluginMemory } from "./plugin-memory.js";
import { LimitError, TrapError } from "./trap.js";
import { LogLines } from "./log-lines.js";
import { createWasi, type StdStream } from "./wasi.js";
import { utf8 } from "../channel/fields.js";

const WASI_MODULE = "wasi_snapshot_preview1";
const MEMORY_HEADROOM = 16 * 1024 * 1024;

const responseCodecs = new Map<string, MessageCodec<unknown>>(
  Object.values(CAPABILITIES).flatMap((capability) =>
    Object.values(capability.methods).map((method) => [method.exportName, method.responseType]),
  ),
);

export type LogWriter = (stream: StdStream | "trace", line: string) => void;

/** One instantiated plugin module inside a worker. Thrown away after any trap. */
export class PluginInstance {
  /** False once the instance trapped or broke the contract; it must not be reused. */
  healthy = true;
  lastUsed = Date.now();
  private readonly exports: WebAssembly.Exports;
  private readonly memory: PluginMemory;
  private readonly flushOutput: () => void;

  constructor(
    private readonly image: PluginImage,
    hostFunction: (importName: string) => HostFunction,
    log: LogWriter,
  ) {
    const memory = () => this.memory;
    const wasi = createWasi(memory, log);
    const traces = new LogLines((line) => log("trace", line));
    const instance = new WebAssembly.Instance(image.module, {
      [HOST_MODULE]: this.envImports(hostFunction, memory, (line) => traces.push(utf8(`${line}\n`))),
      [WASI_MODULE]: wasi.imports,
    });
    this.exports = instance.exports;
    this.memory = new PluginMemory(this.exports[PLUGIN_EXPORTS.memory] as WebAssembly.Memory);
    this.flushOutput = () => {
      wasi.flush();
      traces.flush();
    };
    const initialize = this.exports[PLUGIN_EXPORTS.initialize];
    if (typeof initialize === "function") this.guard(() => initialize());
  }

  /** The size of the instance's linear memory now. */
  get memoryBytes(): number {
    return this.memory.byteLength;
  }

  /** Calls a capability export with a protobuf request, or a no-argument export when `request` is undefined. */
  call(exportName: string, request: Uint8Array | undefined): CallOutcome {
    this.lastUsed = Date.now();
    const fn = this.exports[exportName];
    if (typeof fn !== "function") return { type: "missing-export" };
    try {
      if (request === undefined) return { type: "number", value: Number(fn()) };
      return this.callWithRequest(exportName, fn as (ptr: number, len: number) => bigint, request);
    } catch (error) {
      this.healthy = false;
      return this.describeFailure(error);
    } finally {
      this.flushOutput();
    }
  }

  private callWithRequest(
    exportName: string,
    fn: (ptr: number, len: number) => bigint,
    request: Uint8Array,
  ): CallOutcome {
    const requestPtr = this.allocate(request);
    const result = fn(requestPtr, request.length);
    this.free(requestPtr);
    const { ptr, len, isError } = unpackPtrLen(BigInt(result));
    if (len > this.image.maxResultBytes) return this.refuseResult(len);
    const bytes = this.memory.read(ptr, len);
    if (ptr !== 0) this.free(ptr);
    if (isError) return { type: "plugin-error", message: new TextDecoder().decode(bytes) };
    return { type: "ok", bytes: this.checkDecodes(exportName, bytes) };
  }

  /** An answer past the limit is never copied out; the instance that gave it is not reused. */
  private refuseResult(len: number): CallOutcome {
    this.healthy = false;
    const limit = this.image.maxResultBytes;
    return { type: "too-large", message: `its answer of ${len} bytes is larger than the limit of ${limit} bytes (maxResultBytes)` };
  }

  /**
   * Decodes the answer here, off the manager's thread, within the decode limits: the
   * manager decodes it again, and those bounds keep that second decode small.
   */
  private checkDecodes(exportName: string, bytes: Uint8Array): Uint8Array {
    const codec = responseCodecs.get(exportName);
    if (!codec) return bytes;
    const { maxResultEntries: maxEntries, maxResultMessages: maxMessages } = this.image;
    try {
      decodeBounded(codec, bytes, { maxEntries, maxMessages });
    } catch (error) {
      if (error instanceof DecodeLimitError) {
        const option = error.bound === "maxEntries" ? "maxResultEntries" : "maxResultMessages";
        throw new LimitError(`its answer has ${error.message}, the limit of ${option}`);
      }
      throw new TrapError(`the plugin returned bytes that are not a valid response (${(error as Error).message})`);
    }
    return bytes;
  }

  private envImports(
    hostFunction: (importName: string) => HostFunction,
    memory: () => PluginMemory,
    trace: (line: string) => void,
  ) {
    const env: Record<string, WebAssembly.ImportValue> = {};
    const asEnv = createAssemblyScriptEnv(memory, trace);
    for (const name of this.image.envImports) {
      if ((ALWAYS_PROVIDED_IMPORTS as readonly string[]).includes(name)) {
        env[name] = asEnv[name as keyof typeof asEnv] as WebAssembly.ImportValue;
      } else {
        const answer = hostFunction(name);
        env[name] = (ptr: number, len: number) => this.reply(ptr, len, answer, name);
      }
    }
    return env;
  }

  /** Answers a host function: reads the request, gets the reply, writes it into the plugin's memory. */
  private reply(ptr: number, len: number, answer: (request: Uint8Array) => Uint8Array, importName: string): bigint {
    const limit = this.image.maxHostCallRequestBytes;
    if (len > limit) {
      throw new LimitError(
        `its request of ${len} bytes to env.${importName} is larger than the limit of ${limit} bytes (maxHostCallRequestBytes)`,
      );
    }
    const response = answer(this.memory.read(ptr, len));
    return packPtrLen(this.allocate(response), response.length);
  }

  private allocate(bytes: Uint8Array): number {
    const ptr = Number((this.exports[PLUGIN_EXPORTS.malloc] as (size: number) => number)(bytes.length));
    this.memory.write(ptr, bytes);
    return ptr;
  }

  private free(ptr: number): void {
    (this.exports[PLUGIN_EXPORTS.free] as (ptr: number) => void)(ptr);
  }

  private guard(run: () => unknown): void {
    try {
      run();
    } finally {
      this.flushOutput();
    }
  }

  private describeFailure(error: unknown): CallOutcome {
    if (error instanceof LimitError) return { type: "too-large", message: error.message };
    const message = error instanceof Error ? error.message : String(error);
    const nearCap = this.memory.byteLength + MEMORY_HEADROOM >= this.image.memoryLimitBytes;
    if (nearCap || /out of memory/i.test(message)) {
      return { type: "out-of-memory", message: `${message} (memory ${this.memory.byteLength} bytes, cap ${this.image.memoryLimitBytes})` };
    }
    return { type: "trap", message };
  }
}
