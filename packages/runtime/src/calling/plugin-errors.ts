import { STANDARD_ERRORS } from "@nd/protocol";
import {
  PluginCallError,
  PluginLimitError,
  PluginMemoryError,
  PluginNotFoundError,
  PluginNotImplementedError,
  PluginTimeoutError,
  PluginTrapError,
  PluginUnavailableError,
  type PluginError,
} from "../errors.js";
import type { CallOutcome } from "../threads/worker/messages.js";
import type { CallResultKind } from "./metrics.js";

/** Turns an error string a plugin answered with into the matching error value. */
export function pluginAnswerError(plugin: string, method: string, message: string): PluginError {
  if (message === STANDARD_ERRORS.notFound) return new PluginNotFoundError(plugin, `${method}: no answer (${message})`);
  if (message === STANDARD_ERRORS.notImplemented) {
    return new PluginNotImplementedError(plugin, `${method} is not implemented (${message})`);
  }
  return new PluginCallError(plugin, message);
}

/** Turns a failed call into the matching error value. */
export function callFailure(plugin: string, method: string, outcome: CallOutcome, timeoutMs: number): PluginError {
  switch (outcome.type) {
    case "plugin-error":
      return pluginAnswerError(plugin, method, outcome.message);
    case "missing-export":
      return new PluginNotImplementedError(plugin, `${method} is not implemented (no export)`);
    case "timeout":
      return new PluginTimeoutError(plugin, `${method} did not finish within ${timeoutMs} ms; the plugin was stopped`);
    case "out-of-memory":
      return new PluginMemoryError(plugin, `${method} ran out of memory: ${outcome.message}`);
    case "trap":
      return new PluginTrapError(plugin, `${method} crashed: ${outcome.message}`);
    case "too-large":
      return new PluginLimitError(plugin, `${method} was refused: ${outcome.message}`);
    case "closed":
      return new PluginUnavailableError(plugin, `${method} was ended: the plugin manager is closed`);
    default:
      return new PluginTrapError(plugin, `${method} broke the wire contract (${outcome.type})`);
  }
}

/** How a call that ended in `error` counts: "ask the next one" answers are not failures. */
export function resultKindOf(error: unknown): CallResultKind {
  if (error instanceof PluginNotImplementedError) return "not_implemented";
  if (error instanceof PluginNotFoundError) return "not_found";
  return "error";
}
