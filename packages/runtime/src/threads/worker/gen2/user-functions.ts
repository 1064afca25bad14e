import type { WorkerUserFunction } from "@nd/host-services/shared-cache";
import { suspendingImport } from "../jspi.js";
import { LimitError } from "../trap.js";
import type { RunningInstance } from "./running-instance.js";

/**
 * The `extism:host/user` functions a module imports (all granted, checked at load), each
 * `(i64) -> i64`, made once per plugin version: the running instance's JSON request block
 * goes to the host services on the manager's thread while its stack is suspended, or to the
 * worker's own answer for the functions in `local` (config, cache); the JSON answer comes
 * back as a new block of that instance.
 */
export function userFunctions(
  names: readonly string[],
  running: RunningInstance,
  hostCall: (importName: string, request: Uint8Array) => Promise<Uint8Array>,
  maxRequestBytes: number,
  local: ReadonlyMap<string, WorkerUserFunction>,
): Record<string, WebAssembly.ImportValue> {
  const call = (name: string) => {
    const answer = local.get(name) ?? ((request: Uint8Array) => hostCall(name, request));
    return (handle: bigint) =>
      running.suspend(async (kernel) => {
        const request = handle === 0n ? new Uint8Array() : kernel.arena.bytesFrom(handle);
        if (request.length > maxRequestBytes) {
          throw new LimitError(
            `its request of ${request.length} bytes to ${name} is larger than the limit of ${maxRequestBytes} bytes (maxHostCallRequestBytes)`,
          );
        }
        return kernel.arena.put(await answer(request.slice()));
      });
  };
  return Object.fromEntries(names.map((name) => [name, suspendingImport(call(name))]));
}
