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
import { failureOutcome } from "./failure-outcome.js";
import { promising, suspending } from "./jspi.js";
import type { HostFunction } from "./host-functions.js";
import type { CallOutcome, PluginImage } from "./messages.js";
import { PluginMemory } from "./plugin-memory.js";
import { LimitError, TrapError } from "./trap.js";
import { LogLines } from "./log-lines.js";
import { createWasi, type StdStream } from "./wasi.js";
import { utf8 } from "../channel/fields.js";

const WASI_MODULE = "wasi_snapshot_preview1";

const responseCodecs = new Map<string, MessageCodec<unknown>>(
  Object.values(CAPABILITIES).flatMap((capability) =>
    Object.values(capability.methods).map((method) => [method.exportName, method.responseType]),
  ),
);

export type LogWriter = (stream: StdStream | "trace", line: string) => void;

type Export = (...args: number[]) => unknown;

/**
 * One instantiated plugin module inside a worker. Thrown away after any trap. When the
 * module imports a host function answered on the manager's thread, its exports are
 * entered with `promising`: a host call suspends the call's stack and the worker runs
 * other calls (on other instances) until the reply.
 */
export class PluginInstance {
  /** False once the instance trapped or broke the contract; it must not be reused. */
  healthy = true;
  lastUsed = Date.now();
  private readonly exports: WebAssembly.Exports;
  private readonly memory: PluginMemory;
  private readonly flushOutput: () => void;
  private suspends = false;
  /** Set while `_initialize` of a suspending instance has not finished. */
  private initializing?: Promise<unknown>;

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
    if (typeof initialize !== "function") return;
    if (this.suspends) this.initializing = promising(initialize as Export)().finally(this.flushOutput);
    else this.guard(() => initialize());
  }

  /** The size of the instance's linear memory now. */
  get memoryBytes(): number {
    return this.memory.byteLength;
  }

  /**
   * Calls a capability export with a protobuf request, or a no-argument export when
   * `request` is undefined; the outcome is a promise when the instance may suspend.
   */
  call(exportName: string, request: Uint8Array | undefined): CallOutcome | Promise<CallOutcome> {
    this.lastUsed = Date.now();
    const fn = this.exports[exportName];
    if (typeof fn !== "function") return { type: "missing-export" };
    if (this.suspends) return this.callSuspending(exportName, fn as Export, request);
    try {
      const requestPtr = request && this.allocate(request);
      return this.answerOf(exportName, request, requestPtr, (fn as Export)(requestPtr ?? 0, request?.length ?? 0));
    } catch (error) {
      return this.failed(error);
    } finally {
      this.flushOutput();
    }
  }

  private async callSuspending(exportName: string, fn: Export, request: Uint8Array | undefined): Promise<CallOutcome> {
    try {
      await this.initializing;
      this.initializing = undefined;
      const requestPtr = request && this.allocate(request);
      const result = await promising(fn)(requestPtr ?? 0, request?.length ?? 0);
      return this.answerOf(exportName, request, requestPtr, result);
    } catch (error) {
      return this.failed(error);
    } finally {
      this.flushOutput();
    }
  }

  private failed(error: unknown): CallOutcome {
    this.healthy = false;
    return this.describeFailure(error);
  }

  /** Reads what an export returned: a number for a no-argument export, else the packed answer. */
  private answerOf(exportName: string, request: Uint8Array | undefined, requestPtr: number | undefined, result: unknown): CallOutcome {
    if (request === undefined) return { type: "number", value: Number(result) };
    this.free(requestPtr!);
    const { ptr, len, isError } = unpackPtrLen(BigInt(result as bigint));
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
        env[name] = this.hostImport(hostFunction(name), name);
      }
    }
    return env;
  }

  /** A host function as the plugin imports it: reads the request, writes the reply into the plugin's memory. */
  private hostImport(host: HostFunction, importName: string): WebAssembly.ImportValue {
    const written = (response: Uint8Array) => packPtrLen(this.allocate(response), response.length);
    const request = (ptr: number, len: number) => this.memory.read(ptr, this.checkedRequestLength(len, importName));
    if (!host.suspends) return (ptr: number, len: number) => written(host.answer(request(ptr, len)));
    this.suspends = true;
    return suspending(async (ptr, len) => written(await host.answer(request(ptr, len))));
  }

  /** A request past maxHostCallRequestBytes is refused before it is read out of the plugin's memory. */
  private checkedRequestLength(len: number, importName: string): number {
    const limit = this.image.maxHostCallRequestBytes;
    if (len > limit) {
      throw new LimitError(
        `its request of ${len} bytes to env.${importName} is larger than the limit of ${limit} bytes (maxHostCallRequestBytes)`,
      );
    }
    return len;
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
    return failureOutcome(error, this.memory.byteLength, this.image.memoryLimitBytes);
  }
}
