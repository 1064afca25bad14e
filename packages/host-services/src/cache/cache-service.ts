import { cache } from "@nd/protocol";
import type { ResolvedOptions } from "../options.js";
import { type CacheValue, LruStore } from "./lru-store.js";
import type * as M from "../messages.js";

/** Usage of one plugin's cache. */
export interface CacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
}

/** CacheService: a per-plugin key/value cache with TTL and a memory cap. */
export interface CacheService {
  setString(request: Partial<M.SetStringRequest>): Promise<M.SetResponse>;
  getString(request: Partial<M.GetRequest>): Promise<M.GetStringResponse>;
  setInt(request: Partial<M.SetIntRequest>): Promise<M.SetResponse>;
  getInt(request: Partial<M.GetRequest>): Promise<M.GetIntResponse>;
  setFloat(request: Partial<M.SetFloatRequest>): Promise<M.SetResponse>;
  getFloat(request: Partial<M.GetRequest>): Promise<M.GetFloatResponse>;
  setBytes(request: Partial<M.SetBytesRequest>): Promise<M.SetResponse>;
  getBytes(request: Partial<M.GetRequest>): Promise<M.GetBytesResponse>;
  /** Always answers success: afterwards the key is absent. */
  remove(request: Partial<M.RemoveRequest>): Promise<M.RemoveResponse>;
  has(request: Partial<M.HasRequest>): Promise<M.HasResponse>;
  /** Not a wire function: lets a host watch the cache's memory use. */
  stats(): CacheStats;
}

/** A cache service plus the handle that frees it when the plugin unloads. */
export interface ClosableCacheService extends CacheService {
  close(): void;
}

type ValueOf<T extends CacheValue["type"]> = Extract<CacheValue, { type: T }>["value"];

export function createCacheService(limits: ResolvedOptions["cache"]): ClosableCacheService {
  const store = new LruStore(limits.maxBytesPerPlugin);
  const sweeper = setInterval(() => store.sweepExpired(), limits.sweepIntervalSeconds * 1000);
  sweeper.unref();
  let closed = false;

  function ttlMs(ttlSeconds: bigint | undefined): number {
    const seconds = ttlSeconds !== undefined && ttlSeconds > 0n ? Number(ttlSeconds) : limits.defaultTtlSeconds;
    return seconds * 1000;
  }

  async function set(key: string | undefined, value: CacheValue, ttlSeconds: bigint | undefined): Promise<M.SetResponse> {
    return { success: !closed && store.set(key ?? "", value, ttlMs(ttlSeconds)) };
  }

  async function get<T extends CacheValue["type"]>(key: string | undefined, type: T, empty: ValueOf<T>) {
    const entry = store.get(key ?? "");
    return entry?.type === type ? { exists: true, value: entry.value as ValueOf<T> } : { exists: false, value: empty };
  }

  return {
    setString: (req) => set(req.key, { type: "string", value: req.value ?? "" }, req.ttlSeconds),
    getString: (req) => get(req.key, "string", ""),
    setInt: (req) => set(req.key, { type: "int", value: req.value ?? 0n }, req.ttlSeconds),
    getInt: (req) => get(req.key, "int", 0n),
    setFloat: (req) => set(req.key, { type: "float", value: req.value ?? 0 }, req.ttlSeconds),
    getFloat: (req) => get(req.key, "float", 0),
    // Bytes are copied in and out so neither side can change the other's buffer.
    setBytes: (req) => set(req.key, { type: "bytes", value: Uint8Array.from(req.value ?? []) }, req.ttlSeconds),
    getBytes: async (req) => {
      const response = await get(req.key, "bytes", new Uint8Array());
      return { exists: response.exists, value: Uint8Array.from(response.value) };
    },
    remove: async (req) => {
      store.delete(req.key ?? "");
      return { success: true };
    },
    has: async (req) => ({ exists: store.has(req.key ?? "") }),
    stats: () => ({ entries: store.size, bytes: store.bytes, maxBytes: store.maxBytes }),
    close: () => {
      closed = true;
      clearInterval(sweeper);
      store.clear();
    },
  };
}
