import type { HostFunction } from "@nd/protocol";
import { HostCallError } from "./errors.js";

/** The service method behind a host function: "GetString" → "getString". */
export const methodKey = (fn: HostFunction): string => fn.name.charAt(0).toLowerCase() + fn.name.slice(1);

/** Decodes the request bytes of `env.<importName>`; bytes that do not decode throw HostCallError. */
export function decodeRequest(fn: HostFunction, request: Uint8Array): unknown {
  try {
    return fn.requestType.decode(request);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HostCallError(
      fn.importName,
      `env.${fn.importName}: the ${request.byteLength} request bytes do not decode ` +
        `as a ${fn.service}.${fn.name} request: ${reason}`,
      { cause: error },
    );
  }
}
