import type { CacheValue } from "./cache-value.js";
import type { SharedLruStore } from "./shared-lru-store.js";
import type * as Messages from "../messages.js";

/**
 * What a thread needs to serve a plugin's cache itself. Structured-cloneable: post it to a
 * worker, which passes it to `sharedCacheCalls` from "@nd/host-services/shared-cache".
 */
export interface SharedCacheHandle {
  readonly buffer: SharedArrayBuffer;
  /** TTL of an item set with `ttl_seconds` 0. */
  readonly defaultTtlSeconds: number;
}

/** The cache functions as synchronous request → response calls: the one implementation every thread runs. */
export interface CacheCalls {
  setString(request: Partial<Messages.SetStringRequest>): Messages.SetResponse;
  getString(request: Partial<Messages.GetRequest>): Messages.GetStringResponse;
  setInt(request: Partial<Messages.SetIntRequest>): Messages.SetResponse;
  getInt(request: Partial<Messages.GetRequest>): Messages.GetIntResponse;
  setFloat(request: Partial<Messages.SetFloatRequest>): Messages.SetResponse;
  getFloat(request: Partial<Messages.GetRequest>): Messages.GetFloatResponse;
  setBytes(request: Partial<Messages.SetBytesRequest>): Messages.SetResponse;
  getBytes(request: Partial<Messages.GetRequest>): Messages.GetBytesResponse;
  /** Success means the key is absent afterwards; false only when the store could not be locked in time. */
  remove(request: Partial<Messages.RemoveRequest>): Messages.RemoveResponse;
  has(request: Partial<Messages.HasRequest>): Messages.HasResponse;
}

type ValueOf<T extends CacheValue["type"]> = Extract<CacheValue, { type: T }>["value"];

export function createCacheCalls(store: SharedLruStore, defaultTtlSeconds: number): CacheCalls {
  function ttlMs(ttlSeconds: bigint | undefined): number {
    const seconds = ttlSeconds !== undefined && ttlSeconds > 0n ? Number(ttlSeconds) : defaultTtlSeconds;
    return seconds * 1000;
  }

  function set(key: string | undefined, value: CacheValue, ttlSeconds: bigint | undefined): Messages.SetResponse {
    return { success: store.set(key ?? "", value, ttlMs(ttlSeconds)) };
  }

  function get<T extends CacheValue["type"]>(key: string | undefined, type: T, empty: ValueOf<T>) {
    const entry = store.get(key ?? "");
    return entry?.type === type ? { exists: true, value: entry.value as ValueOf<T> } : { exists: false, value: empty };
  }

  // Bytes are copied into and out of the shared store, so no caller shares a buffer with it.
  return {
    setString: (req) => set(req.key, { type: "string", value: req.value ?? "" }, req.ttlSeconds),
    getString: (req) => get(req.key, "string", ""),
    setInt: (req) => set(req.key, { type: "int", value: req.value ?? 0n }, req.ttlSeconds),
    getInt: (req) => get(req.key, "int", 0n),
    setFloat: (req) => set(req.key, { type: "float", value: req.value ?? 0 }, req.ttlSeconds),
    getFloat: (req) => get(req.key, "float", 0),
    setBytes: (req) => set(req.key, { type: "bytes", value: req.value ?? new Uint8Array() }, req.ttlSeconds),
    getBytes: (req) => get(req.key, "bytes", new Uint8Array()),
    remove: (req) => ({ success: store.delete(req.key ?? "") !== "busy" }),
    has: (req) => ({ exists: store.has(req.key ?? "") }),
  };
}
