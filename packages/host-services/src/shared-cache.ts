/**
 * "@nd/host-services/shared-cache": the host functions worker threads answer themselves: the
 * cache functions from the plugin's shared cache memory (both generations) and generation 2's
 * config functions. Light to import: no http, websocket or scheduler code.
 */
import { HOST_SERVICES, encodeMessage } from "@nd/protocol";
import { createCacheCalls, type SharedCacheHandle } from "./cache/cache-calls.js";
import { SharedLruStore } from "./cache/shared-lru-store.js";
import { HostCallError } from "./errors.js";
import { decodeRequest, methodKey } from "./wire-codec.js";

export type { SharedCacheHandle } from "./cache/cache-calls.js";
export { gen2WorkerFunctions, type WorkerUserFunction } from "./gen2/worker-functions.js";

/** A synchronous wire entry: protobuf request bytes of `env.<importName>` → response bytes. */
export type SharedCacheCall = (importName: string, request: Uint8Array) => Uint8Array;

type SyncMethods = Record<string, (request: unknown) => unknown>;

/**
 * The wire entry for the cache imports (`get_string`, `set_bytes`, ...) over the cache behind
 * `handle` (a CacheService's `shared`). Throws HostCallError for an import that is not a cache
 * function or request bytes that do not decode. When the cache stays locked by another thread
 * beyond this thread's budget, the call answers like a miss.
 */
export function sharedCacheCalls(handle: SharedCacheHandle): SharedCacheCall {
  const store = SharedLruStore.attach(handle.buffer);
  const calls = createCacheCalls(store, handle.defaultTtlSeconds) as unknown as SyncMethods;
  const functions = HOST_SERVICES.cache.functions;
  return (importName, request) => {
    const fn = Object.hasOwn(functions, importName) ? functions[importName] : undefined;
    if (!fn) throw new HostCallError(importName, `env.${importName} is not a function of the cache service`);
    const response = calls[methodKey(fn)]!(decodeRequest(fn, request));
    return encodeMessage(fn.responseType, response);
  };
}

/**
 * Call after a worker that used this cache was terminated and has fully stopped, with the
 * `threadId` it had (read it before: it is -1 afterwards, which throws ConfigurationError).
 * If that thread died holding the cache's lock, the cache may be half-changed: it is emptied,
 * the lock released and its waiters woken, and the answer is true. Otherwise nothing changes
 * and the answer is false.
 */
export function recoverSharedCache(handle: SharedCacheHandle, deadThreadId: number): boolean {
  return SharedLruStore.attach(handle.buffer).recoverFrom(deadThreadId);
}
