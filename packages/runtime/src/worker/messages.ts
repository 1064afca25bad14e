import type { MessagePort } from "node:worker_threads";

/** Messages between the manager's thread and the worker threads that run plugin code. */

/** What the worker needs to instantiate a plugin; sent with its first call on that worker. */
export interface PluginImage {
  readonly pluginId: string;
  readonly pluginName: string;
  readonly module: WebAssembly.Module;
  /** Names of the `env` functions this plugin may import (granted services + always provided). */
  readonly envImports: readonly string[];
  readonly memoryLimitBytes: number;
}

export interface CallTask {
  readonly type: "call";
  readonly pluginId: string;
  /** Present when the worker does not have the plugin yet. */
  readonly image?: PluginImage;
  readonly exportName: string;
  /** Protobuf request, or undefined for a no-argument export such as `<prefix>api_version`. */
  readonly request?: Uint8Array;
  /** How long a host call may block the worker before the instance gives up. */
  readonly hostCallTimeoutMs: number;
}

export interface DropPluginTask {
  readonly type: "drop";
  readonly pluginId: string;
}

export type ToWorker = CallTask | DropPluginTask;

/** How a call ended, as seen from inside the worker. */
export type CallOutcome =
  | { readonly type: "ok"; readonly bytes: Uint8Array }
  | { readonly type: "number"; readonly value: number }
  | { readonly type: "plugin-error"; readonly message: string }
  | { readonly type: "missing-export" }
  | { readonly type: "undecodable-request" }
  | { readonly type: "trap"; readonly message: string }
  | { readonly type: "out-of-memory"; readonly message: string }
  | { readonly type: "timeout" };

export interface CallResult {
  readonly type: "result";
  readonly outcome: CallOutcome;
}

export interface LogLine {
  readonly type: "log";
  readonly pluginName: string;
  readonly stream: "stdout" | "stderr" | "trace";
  readonly line: string;
}

export type FromWorker = CallResult | LogLine;

/** A plugin's call into a host service, sent on the host-call port while the worker waits. */
export interface HostCallRequest {
  /** Numbers the calls of one worker, so a late reply is never taken for a newer call's. */
  readonly sequence: number;
  readonly pluginId: string;
  readonly importName: string;
  readonly request: Uint8Array;
}

export type HostCallReply =
  | { readonly sequence: number; readonly ok: true; readonly bytes: Uint8Array }
  | { readonly sequence: number; readonly ok: false; readonly message: string };

/** Set up once per worker: the host-call channel and the word the worker waits on. */
export interface WorkerSetup {
  readonly hostCallPort: MessagePort;
  readonly signal: SharedArrayBuffer;
  readonly idleTtlMs: number;
}
