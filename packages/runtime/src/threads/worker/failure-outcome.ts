import type { CallOutcome } from "./messages.js";
import { LimitError } from "./trap.js";

/** A call within this much of the memory cap when it failed is taken to have run out of memory. */
const MEMORY_HEADROOM = 16 * 1024 * 1024;

/** How a call that threw ended: a limit, out of memory (near the cap, or said so), or a trap. */
export function failureOutcome(error: unknown, memoryBytes: number, memoryLimitBytes: number): CallOutcome {
  if (error instanceof LimitError) return { type: "too-large", message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  if (memoryBytes + MEMORY_HEADROOM >= memoryLimitBytes || /out of memory/i.test(message)) {
    return { type: "out-of-memory", message: `${message} (memory ${memoryBytes} bytes, cap ${memoryLimitBytes})` };
  }
  return { type: "trap", message };
}
