import type { ResolvedOptions } from "../options.js";
import { type CacheCalls, createCacheCalls, type SharedCacheHandle } from "./cache-calls.js";
import { SharedLruStore } from "./shared-lru-store.js";
import type * as Messages from "../messages.js";

/** Usage of one plugin's cache. */
export interface CacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
}

/** CacheService: a per-plugin key/value cache with TTL and a memory cap. */
export interface CacheService {
  setString(request: Partial<Messages.SetStringRequest>): Promise<Messages.SetResponse>;
  getString(request: Partial<Messages.GetRequest>): Promise<Messages.GetStringResponse>;
  setInt(request: Partial<Messages.SetIntRequest>): Promise<Messages.SetResponse>;
  getInt(request: Partial<Messages.GetRequest>): Promise<Messages.GetIntResponse>;
  setFloat(request: Partial<Messages.SetFloatRequest>): Promise<Messages.SetResponse>;
  getFloat(request: Partial<Messages.GetRequest>): Promise<Messages.GetFloatResponse>;
  setBytes(request: Partial<Messages.SetBytesRequest>): Promise<Messages.SetResponse>;
  getBytes(request: Partial<Messages.GetRequest>): Promise<Messages.GetBytesResponse>;
  /** Answers success unless the cache was too busy to answer: afterwards the key is absent. */
  remove(request: Partial<Messages.RemoveRequest>): Promise<Messages.RemoveResponse>;
  has(request: Partial<Messages.HasRequest>): Promise<Messages.HasResponse>;
  /** Not a wire function: lets a host watch the cache's memory use. */
  stats(): CacheStats;
  /**
   * The shared memory of this cache, for worker threads that serve the plugin's cache calls
   * themselves; absent when the cache lives in a shared store (Redis), whose calls workers forward.
   */
  readonly shared?: SharedCacheHandle;
}

/** A cache service plus the handle that frees it when the plugin unloads. */
export interface ClosableCacheService extends CacheService {
  close(): void;
}

type Promised<T> = {
  [K in keyof T]: T[K] extends (request: infer R) => infer A ? (request: R) => Promise<A> : never;
};

/** The synchronous cache calls as the service's promise-answering methods. */
export function promised(calls: CacheCalls): Promised<CacheCalls> {
  const entries = Object.entries(calls).map(([name, call]) => [name, async (request: never) => call(request)]);
  return Object.fromEntries(entries) as Promised<CacheCalls>;
}

export function createCacheService(limits: ResolvedOptions["cache"]): ClosableCacheService {
  const store = SharedLruStore.create(limits.maxBytesPerPlugin);
  const sweeper = setInterval(() => store.sweepExpired(), limits.sweepIntervalSeconds * 1000);
  sweeper.unref();
  return {
    ...promised(createCacheCalls(store, limits.defaultTtlSeconds)),
    stats: () => ({ entries: store.size, bytes: store.bytes, maxBytes: store.maxBytes }),
    shared: { buffer: store.buffer, defaultTtlSeconds: limits.defaultTtlSeconds },
    close: () => {
      clearInterval(sweeper);
      store.close();
    },
  };
}
