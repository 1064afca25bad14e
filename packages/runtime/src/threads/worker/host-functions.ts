import { sharedCacheCalls } from "@nd/host-services/shared-cache";
import { HOST_SERVICES } from "@nd/protocol";
import type { HostBridge } from "./host-bridge.js";
import type { PluginImage } from "./messages.js";
import { TrapError } from "./trap.js";

/** Answers one `env` host function: protobuf request bytes in, response bytes out. */
export type HostFunction = (request: Uint8Array) => Uint8Array;

const CACHE_IMPORTS = new Set(Object.keys(HOST_SERVICES.cache.functions));

/**
 * How a worker answers a plugin's host functions: in place when it can, across the
 * channel to the manager's thread otherwise. In place are the config functions (their
 * reply is fixed for a load) and the cache functions (the plugin's cache lives in shared
 * memory that every thread reads and writes under its lock).
 */
export function hostFunctions(image: PluginImage, bridge: HostBridge): (importName: string) => HostFunction {
  const cache = image.sharedCache && sharedCacheCalls(image.sharedCache);
  return (importName) => {
    const fixedReply = image.localReplies[importName];
    if (fixedReply) return () => fixedReply;
    if (cache && CACHE_IMPORTS.has(importName)) return (request) => inPlace(importName, () => cache(importName, request));
    return (request) => bridge.call(importName, request);
  };
}

function inPlace(importName: string, answer: () => Uint8Array): Uint8Array {
  try {
    return answer();
  } catch (error) {
    throw new TrapError(`host call env.${importName} failed: ${(error as Error).message}`);
  }
}
