import type { WorkerUserFunction } from "@nd/host-services/shared-cache";
import { suspendingImport } from "../jspi.js";
import { LimitError } from "../trap.js";
import type { BlockArena } from "./blocks.js";

/**
 * The `extism:host/user` functions a module imports (all granted, checked at load), each
 * `(i64) -> i64`: the JSON request block goes to the host services on the manager's thread
 * while the call's stack is suspended, or to the worker's own answer for the functions in
 * `local` (config, cache); the JSON answer comes back as a new block.
 */
export function userFunctions(
  names: readonly string[],
  arena: BlockArena,
  hostCall: (importName: string, request: Uint8Array) => Promise<Uint8Array>,
  maxRequestBytes: number,
  local: ReadonlyMap<string, WorkerUserFunction>,
): Record<string, WebAssembly.ImportValue> {
  const call = (name: string) => async (handle: bigint) => {
    const answer = local.get(name) ?? ((request: Uint8Array) => hostCall(name, request));
    const request = handle === 0n ? new Uint8Array() : arena.bytesFrom(handle);
    if (request.length > maxRequestBytes) {
      throw new LimitError(
        `its request of ${request.length} bytes to ${name} is larger than the limit of ${maxRequestBytes} bytes (maxHostCallRequestBytes)`,
      );
    }
    return arena.put(await answer(request.slice()));
  };
  return Object.fromEntries(names.map((name) => [name, suspendingImport(call(name))]));
}
