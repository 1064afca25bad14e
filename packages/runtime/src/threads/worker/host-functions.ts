import { sharedCacheCalls } from "@nd/host-services/shared-cache";
import { HOST_SERVICES } from "@nd/protocol";
import type { HostBridge } from "./host-bridge.js";
import type { PluginImage } from "./messages.js";
import { TrapError } from "./trap.js";

/**
 * Answers one `env` host function: protobuf request bytes in, response bytes out, either
 * at once (`suspends: false`) or later, while the calling plugin stack is suspended.
 */
export type HostFunction =
  | { readonly suspends: false; readonly answer: (request: Uint8Array) => Uint8Array }
  | { readonly suspends: true; readonly answer: (request: Uint8Array) => Promise<Uint8Array> };

const CACHE_IMPORTS = new Set(Object.keys(HOST_SERVICES.cache.functions));

/**
 * How a worker answers a plugin's host functions: in place when it can, on the manager's
 * thread otherwise (the call's stack suspends meanwhile). In place are the config
 * functions (their reply is fixed for a load) and the cache functions (the plugin's cache
 * lives in shared memory that every thread reads and writes under its lock).
 */
export function hostFunctions(image: PluginImage, bridge: HostBridge): (importName: string) => HostFunction {
  const cache = image.sharedCache && sharedCacheCalls(image.sharedCache);
  return (importName) => {
    const fixedReply = image.localReplies[importName];
    if (fixedReply) return { suspends: false, answer: () => fixedReply };
    if (cache && CACHE_IMPORTS.has(importName)) {
      return { suspends: false, answer: (request) => inPlace(importName, () => cache(importName, request)) };
    }
    return { suspends: true, answer: (request) => bridge.call(importName, request) };
  };
}

function inPlace(importName: string, answer: () => Uint8Array): Uint8Array {
  try {
    return answer();
  } catch (error) {
    throw new TrapError(`host call env.${importName} failed: ${(error as Error).message}`);
  }
}
