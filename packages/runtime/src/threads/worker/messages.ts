import type { MessagePort } from "node:worker_threads";
import type { SharedCacheHandle } from "@nd/host-services/shared-cache";
import type { ChannelEnds } from "../channel/worker-channel.js";
import type { KernelLogLevel } from "./gen2/log-levels.js";
import type { LibraryMountSpec } from "./wasi-files/index.js";

/** What the worker needs to instantiate a plugin; sent before its first call on that worker. */
export interface PluginImage {
  readonly pluginId: string;
  readonly pluginName: string;
  readonly module: WebAssembly.Module;
  /** Names of the `env` functions the module imports (all granted, checked at load). */
  readonly envImports: readonly string[];
  /** Host functions answered inside the worker, with their fixed reply (the plugin's config). */
  readonly localReplies: Readonly<Record<string, Uint8Array>>;
  /** The plugin's cache in shared memory, when it has the cache permission: answered in the worker. */
  readonly sharedCache?: SharedCacheHandle;
  readonly memoryLimitBytes: number;
  /** Largest answer read out of the plugin's memory; a larger one fails the call and discards the instance. */
  readonly maxResultBytes: number;
  /** Entries of any one field of an answer, and messages an answer decodes to in all. */
  readonly maxResultEntries: number;
  readonly maxResultMessages: number;
  /** Largest request a plugin may pass to a host function; checked before it is read. */
  readonly maxHostCallRequestBytes: number;
  /** An instance with more memory than this after a call is not kept idle. */
  readonly maxIdleMemoryBytes: number;
  /** Idle instances a worker keeps of the plugin (its calls in flight at most). */
  readonly maxIdleInstances: number;
  /** Set for a generation-2 module: every call gets a fresh instance with an Extism kernel. */
  readonly gen2?: Gen2Image;
}

/** What a generation-2 instance is linked with. */
export interface Gen2Image {
  /** `extism:host/env` functions the module imports (checked against the kernel at load). */
  readonly kernelImports: readonly string[];
  /** `extism:host/user` functions the module imports (all granted, checked at load). */
  readonly userImports: readonly string[];
  /** The plugin's config as strings: what the kernel's `config_get` reads. */
  readonly config: Readonly<Record<string, string>>;
  /** `get_log_level`'s answer: logs below it are dropped. */
  readonly logLevel: number;
  /** Library folders shown through WASI (the library permission with `filesystem`). */
  readonly libraryMounts: readonly LibraryMountSpec[];
  /** The next call's instance may be made while the worker is idle: instantiating runs no plugin code. */
  readonly instantiateAhead: boolean;
}

/** Messages on the control port: what changes the worker's set of plugins. */
export type ControlMessage =
  | { readonly type: "image"; readonly image: PluginImage }
  /** Calls on the channel name their plugin version and export by a route number. */
  | { readonly type: "route"; readonly route: number; readonly pluginId: string; readonly exportName: string }
  | { readonly type: "drop"; readonly pluginId: string };

/** A call as the worker reads it from the channel. */
export interface CallTask {
  readonly pluginId: string;
  readonly exportName: string;
  /** Protobuf request, or undefined for a no-argument export such as `<prefix>api_version`. */
  readonly request?: Uint8Array;
}

/** How a call ended, as seen from inside the worker (or `timeout`, from the manager). */
export type CallOutcome =
  | { readonly type: "ok"; readonly bytes: Uint8Array }
  | { readonly type: "number"; readonly value: number }
  | { readonly type: "plugin-error"; readonly message: string }
  | { readonly type: "missing-export" }
  | { readonly type: "undecodable-request" }
  | { readonly type: "trap"; readonly message: string }
  | { readonly type: "out-of-memory"; readonly message: string }
  | { readonly type: "too-large"; readonly message: string }
  | { readonly type: "timeout" }
  /** The manager closed before the call finished (from the manager). */
  | { readonly type: "closed" };

/** A line a plugin wrote to stdout or stderr, traced, or logged through the Extism kernel; posted on the log port. */
export interface LogLine {
  readonly type: "log";
  readonly pluginName: string;
  readonly stream: "stdout" | "stderr" | "trace" | "log";
  /** The level of a kernel log line (stream "log"). */
  readonly level?: KernelLogLevel;
  readonly line: string;
}

/** Given to each worker at start. */
export interface WorkerSetup {
  readonly channel: ChannelEnds;
  readonly control: MessagePort;
  readonly logs: MessagePort;
  readonly idleTtlMs: number;
  /** Poll the channel briefly before sleeping (when the pool leaves a core to the manager's thread). */
  readonly spin: boolean;
}
