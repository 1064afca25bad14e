import type { PluginMemory } from "./plugin-memory.js";
import { randomValues } from "./random-values.js";
import { TrapError } from "./trap.js";

/** `env.abort`, `env.trace` and `env.seed`, which AssemblyScript modules import; no permission needed. */
export function createAssemblyScriptEnv(memory: () => PluginMemory, trace: (line: string) => void) {
  return {
    abort(messagePtr: number, filePtr: number, line: number, column: number): never {
      const message = readString(memory(), messagePtr) || "abort";
      const file = readString(memory(), filePtr);
      throw new TrapError(file ? `${message} (${file}:${line}:${column})` : message);
    },
    trace(messagePtr: number, count: number, ...values: number[]): void {
      trace([readString(memory(), messagePtr), ...values.slice(0, count)].join(" "));
    },
    seed(): number {
      return randomValues(new Uint32Array(1))[0]! * 2 ** 21;
    },
  };
}

const MAX_STRING_BYTES = 4096;

/** Reads an AssemblyScript string: UTF-16 code units, byte length stored just before them. */
function readString(memory: PluginMemory, ptr: number): string {
  if (ptr < 4 || ptr > memory.byteLength) return "";
  const byteLength = Math.min(memory.view().getUint32(memory.range(ptr - 4, 4), true), MAX_STRING_BYTES);
  const bytes = memory.read(ptr, byteLength - (byteLength % 2));
  return String.fromCharCode(...new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2));
}
