import type { ResourceLimits } from "node:worker_threads";
import type { CallOutcome } from "./worker/messages.js";

/**
 * The JavaScript heap of each worker thread. Plugin memories live outside it; what a
 * plugin can make the worker hold inside it (table entries, answers, log lines) is capped
 * far below these limits, which stop a leak in the worker's own code from taking the
 * host's memory.
 */
export const WORKER_RESOURCE_LIMITS: ResourceLimits = {
  maxOldGenerationSizeMb: 128,
  stackSizeMb: 4,
};

/** How the running call ends when its worker thread fails. */
export function crashOutcome(error: Error & { code?: string }): CallOutcome {
  if (error.code === "ERR_WORKER_OUT_OF_MEMORY") return { type: "out-of-memory", message: `worker stopped: ${error.message}` };
  return { type: "trap", message: `worker crashed: ${error.message}` };
}
