import { gen2WorkerFunctions } from "@nd/host-services/shared-cache";
import { gen2 } from "@nd/protocol";
import { failureOutcome } from "../failure-outcome.js";
import { promising } from "../jspi.js";
import type { CallOutcome, PluginImage } from "../messages.js";
import type { LogWriter } from "../plugin-instance.js";
import { PluginMemory } from "../plugin-memory.js";
import { ExitError } from "../trap.js";
import { createWasi } from "../wasi.js";
import { createLibraryFiles, withLibraryFiles } from "../wasi-files/index.js";
import { OWN_MEMORY_IMPORT } from "../../../loading/gen2-memory-import.js";
import { Kernel } from "./kernel.js";
import { kernelImports } from "./kernel-imports.js";
import { KernelLogLines } from "./kernel-log-lines.js";
import type { KernelLogLevel } from "./log-levels.js";
import { RunningInstance } from "./running-instance.js";
import type { ImportWatch } from "./import-watch.js";
import { userFunctions } from "./user-functions.js";
import { FreshState } from "./fresh-state.js";

type Gen2PluginImage = PluginImage & { readonly gen2: NonNullable<PluginImage["gen2"]> };

const WASI_MODULE = "wasi_snapshot_preview1";

/** Writes a kernel log line at its level. */
export type KernelLogWriter = (level: KernelLogLevel, line: string) => void;

type HostCall = (importName: string, request: Uint8Array) => Promise<Uint8Array>;
type Export = () => unknown;

/** The kernel import whose answer comes from the manager's thread: a module importing it may suspend. */
const KERNEL_SUSPENDING_IMPORT = "http_request";

/** WASI `proc_exit(0)` is a normal end, as in Extism. */
function exitedNormally(error: unknown): boolean {
  return error instanceof ExitError && error.code === 0;
}

/** What every instance of a plugin version in this worker links with: made once per version. */
interface SharedLinks {
  readonly running: RunningInstance;
  readonly hostCall: HostCall;
  readonly kernel: Record<string, WebAssembly.ImportValue>;
  readonly user: Record<string, WebAssembly.ImportValue>;
  readonly importsWasi: boolean;
  /** Whether a call's stack may suspend: the module imports a user function or the kernel's HTTP. */
  readonly suspends: boolean;
}

const linksOf = new WeakMap<PluginImage, SharedLinks>();

/** The plugin version's shared imports; `hostCall` answers alike for all its instances (the worker's bridge). */
function sharedLinks(image: Gen2PluginImage, hostCall: HostCall): SharedLinks {
  let links = linksOf.get(image);
  if (!links) {
    const { kernelImports: kernelNames, userImports: userNames, config } = image.gen2;
    const running = new RunningInstance();
    const local = gen2WorkerFunctions(image.pluginName, config, image.sharedCache);
    links = {
      running,
      hostCall,
      kernel: kernelImports(kernelNames, running),
      user: userFunctions(userNames, running, hostCall, image.maxHostCallRequestBytes, local),
      importsWasi: WebAssembly.Module.imports(image.module).some((entry) => entry.module === WASI_MODULE),
      suspends: userNames.length > 0 || kernelNames.includes(KERNEL_SUSPENDING_IMPORT),
    };
    linksOf.set(image, links);
  }
  return links;
}

export interface Gen2InstanceOptions {
  /** Counts the calls the instance makes to its imports (see import-watch.ts). */
  readonly watch?: ImportWatch;
  /** The memory the module imports in place of its own (see own-memories.ts). */
  readonly memory?: WebAssembly.Memory;
}

/**
 * One generation-2 instance: fresh for every call, as Navidrome makes it (Go plugins
 * register their handlers in `_initialize`; Extism variables never outlive a call). After
 * its call it is thrown away, or renewed to a fresh instance's state when its module allows
 * (see fresh-state.ts). When its module imports a function answered on the manager's
 * thread, its exports are entered with `promising`, so host calls suspend its stack.
 */
export class Gen2Instance {
  private readonly exports: WebAssembly.Exports;
  private readonly memory: WebAssembly.Memory;
  /** The memory given to the module in place of its own, to hand back once the call has ended. */
  readonly importedMemory?: WebAssembly.Memory;
  private kernel: Kernel;
  private readonly logs: KernelLogLines;
  private readonly running: RunningInstance;
  private readonly hostCall: HostCall;
  private readonly wasiMemory: PluginMemory;
  private readonly flushWasi: () => void;
  private readonly closeFiles: () => void;
  private readonly fresh?: FreshState;
  private readonly suspends: boolean;
  private readonly initializer?: Export;

  constructor(
    private readonly image: Gen2PluginImage,
    hostCall: HostCall,
    log: LogWriter,
    kernelLog: KernelLogWriter,
    { watch, memory: given }: Gen2InstanceOptions = {},
  ) {
    const { libraryMounts } = image.gen2;
    const links = sharedLinks(image, hostCall);
    this.running = links.running;
    this.hostCall = links.hostCall;
    this.suspends = links.suspends;
    this.logs = new KernelLogLines(kernelLog);
    this.kernel = this.newKernel();
    const wasi = links.importsWasi ? createWasi(() => this.wasiMemory, log) : undefined;
    const files = wasi && libraryMounts.length > 0 ? createLibraryFiles(libraryMounts, () => this.memory) : undefined;
    this.closeFiles = () => files?.closeAll();
    const imports = {
      [gen2.KERNEL_MODULE]: links.kernel,
      [gen2.USER_MODULE]: links.user,
      ...(wasi && { [WASI_MODULE]: files ? withLibraryFiles(wasi.imports, files) : wasi.imports }),
      ...(given && { [OWN_MEMORY_IMPORT.module]: { [OWN_MEMORY_IMPORT.name]: given } }),
    };
    this.running.enter(this.kernel);
    const instance = new WebAssembly.Instance(image.module, watch ? watch.watch(imports) : imports);
    this.exports = instance.exports;
    this.importedMemory = given;
    const memory = this.exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) throw new Error("the module does not export its memory");
    this.memory = memory;
    this.wasiMemory = new PluginMemory(memory);
    this.flushWasi = () => wasi?.flush();
    // A watched instance's imports count their calls: it is used once, never renewed.
    this.fresh = watch ? undefined : FreshState.of(image, memory, this.exports);
    this.initializer = gen2.INITIALIZERS.map((name) => this.exports[name]).find((value) => typeof value === "function") as Export | undefined;
  }

  /**
   * Makes the instance, whose call has ended, what a fresh instance of its version is
   * (see fresh-state.ts), with a new kernel; false when it cannot be (then it is thrown away).
   */
  renew(): boolean {
    if (!this.fresh?.restore(this.memory)) return false;
    this.kernel = this.newKernel();
    return true;
  }

  private newKernel(): Kernel {
    const { config, logLevel } = this.image.gen2;
    return new Kernel({
      config,
      logLevel,
      room: () => this.image.memoryLimitBytes - this.linearBytes,
      log: (level, text) => this.logs.push(level, text),
      hostCall: this.hostCall,
    });
  }

  /** Linear memory and kernel blocks together: what the memory cap bounds. */
  get memoryBytes(): number {
    return this.linearBytes + this.kernel.arena.bytes;
  }

  private get linearBytes(): number {
    // The kernel may ask before the instance exists (a start function allocating).
    return this.memory?.buffer.byteLength ?? 0;
  }

  /**
   * Runs the initializer, then the export with `input`. The plugin's error text wins over
   * the return code; a non-zero code comes back as a "number" outcome. The outcome is a
   * promise when the module imports a function that suspends its stack.
   */
  call(exportName: string, input: Uint8Array): CallOutcome | Promise<CallOutcome> {
    const fn = this.exports[exportName];
    if (typeof fn !== "function") return { type: "missing-export" };
    if (this.suspends) return this.callSuspending(fn as Export, input);
    try {
      this.kernel.setInput(input);
      if (this.initializer) this.runNow(this.initializer);
      return this.outcome(this.runNow(fn as Export));
    } catch (error) {
      return this.failed(error);
    } finally {
      this.endCall();
    }
  }

  private async callSuspending(fn: Export, input: Uint8Array): Promise<CallOutcome> {
    try {
      this.kernel.setInput(input);
      if (this.initializer) await this.runSuspending(this.initializer);
      return this.outcome(await this.runSuspending(fn));
    } catch (error) {
      return this.failed(error);
    } finally {
      this.endCall();
    }
  }

  private runNow(fn: Export): number {
    try {
      this.running.enter(this.kernel);
      return Number(fn()) | 0;
    } catch (error) {
      if (exitedNormally(error)) return 0;
      throw error;
    }
  }

  private async runSuspending(fn: Export): Promise<number> {
    try {
      const running = promising(fn);
      this.running.enter(this.kernel);
      return Number(await running()) | 0;
    } catch (error) {
      if (exitedNormally(error)) return 0;
      throw error;
    }
  }

  private failed(error: unknown): CallOutcome {
    return failureOutcome(error, this.memoryBytes, this.image.memoryLimitBytes);
  }

  private endCall(): void {
    this.flushWasi();
    this.logs.flush();
    this.closeFiles();
  }

  private outcome(code: number): CallOutcome {
    const limit = this.image.maxResultBytes;
    if (this.kernel.outputLength > limit) {
      return { type: "too-large", message: `its output of ${this.kernel.outputLength} bytes is larger than the limit of ${limit} bytes (maxResultBytes)` };
    }
    const { error, output } = this.kernel.result();
    if (error) return { type: "plugin-error", message: new TextDecoder().decode(error.subarray(0, limit)) };
    if (code !== gen2.RETURN_CODES.ok) return { type: "number", value: code };
    return { type: "ok", bytes: output };
  }
}
