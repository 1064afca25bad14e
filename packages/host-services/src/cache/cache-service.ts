import type { ResolvedOptions } from "../options.js";
import { type CacheValue, LruStore } from "./lru-store.js";
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
  /** Always answers success: afterwards the key is absent. */
  remove(request: Partial<Messages.RemoveRequest>): Promise<Messages.RemoveResponse>;
  has(request: Partial<Messages.HasRequest>): Promise<Messages.HasResponse>;
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

  async function set(
    key: string | undefined,
    value: CacheValue,
    ttlSeconds: bigint | undefined,
  ): Promise<Messages.SetResponse> {
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
