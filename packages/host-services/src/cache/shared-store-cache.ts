import type { KvRecords } from "../store/plugin-store.js";
import type { ResolvedOptions } from "../options.js";
import type { CacheValue } from "./cache-value.js";
import type { CacheStats, ClosableCacheService } from "./cache-service.js";
import type * as Messages from "../messages.js";

const TYPE_TAGS = { string: 1, int: 2, float: 3, bytes: 4 } as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A cache value as stored: its type tag, then its bytes (UTF-8, 8-byte integer or double, raw). */
function encode(value: CacheValue): Uint8Array {
  let body: Uint8Array;
  if (value.type === "string") body = encoder.encode(value.value);
  else if (value.type === "bytes") body = value.value;
  else {
    const view = new DataView(new ArrayBuffer(8));
    if (value.type === "int") view.setBigInt64(0, value.value);
    else view.setFloat64(0, value.value);
    body = new Uint8Array(view.buffer);
  }
  const stored = new Uint8Array(body.byteLength + 1);
  stored[0] = TYPE_TAGS[value.type];
  stored.set(body, 1);
  return stored;
}

function decode(stored: Uint8Array): CacheValue | undefined {
  const body = stored.subarray(1);
  const view = () => new DataView(body.buffer, body.byteOffset, body.byteLength);
  switch (stored[0]) {
    case TYPE_TAGS.string:
      return { type: "string", value: decoder.decode(body) };
    case TYPE_TAGS.bytes:
      return { type: "bytes", value: body.slice() };
    case TYPE_TAGS.int:
      return body.byteLength === 8 ? { type: "int", value: view().getBigInt64(0) } : undefined;
    case TYPE_TAGS.float:
      return body.byteLength === 8 ? { type: "float", value: view().getFloat64(0) } : undefined;
    default:
      return undefined;
  }
}

/**
 * A plugin's cache kept in the shared store (Redis or Valkey), so every host of a cluster sees
 * the same entries: the same semantics as the in-memory cache (typed values, TTL, a byte cap per
 * plugin, a get of another type reads as absent), with no shared memory for workers, which
 * forward their cache calls to the host's thread. A store that cannot answer fails the call.
 */
export function createSharedStoreCache(records: Promise<KvRecords>, limits: ResolvedOptions["cache"]): ClosableCacheService {
  const stats: CacheStats = { entries: 0, bytes: 0, maxBytes: limits.maxBytesPerPlugin };
  const ttlMs = (ttlSeconds: bigint | undefined) =>
    (ttlSeconds !== undefined && ttlSeconds > 0n ? Number(ttlSeconds) : limits.defaultTtlSeconds) * 1000;

  async function set(key: string | undefined, value: CacheValue, ttlSeconds: bigint | undefined): Promise<Messages.SetResponse> {
    const stored = encode(value);
    // An item larger than the whole cap (its key counts, as in memory) is refused here, before its bytes travel.
    if (Buffer.byteLength(key ?? "") + stored.byteLength > limits.maxBytesPerPlugin) return { success: false };
    const now = Date.now();
    const result = await (await records).put(key ?? "", stored, now + ttlMs(ttlSeconds), limits.maxBytesPerPlugin, now);
    return { success: result.written };
  }

  async function get<T extends CacheValue["type"]>(key: string | undefined, type: T, empty: Extract<CacheValue, { type: T }>["value"]) {
    const stored = await (await records).get(key ?? "", Date.now());
    const value = stored && decode(stored);
    return value?.type === type ? { exists: true, value: value.value as typeof empty } : { exists: false, value: empty };
  }

  async function refreshStats(): Promise<void> {
    const store = await records;
    const now = Date.now();
    const [keys, bytes] = await Promise.all([store.list("", now), store.bytesUsed(now)]);
    stats.entries = keys.length;
    stats.bytes = bytes;
  }

  return {
    setString: (req) => set(req.key, { type: "string", value: req.value ?? "" }, req.ttlSeconds),
    getString: (req) => get(req.key, "string", ""),
    setInt: (req) => set(req.key, { type: "int", value: req.value ?? 0n }, req.ttlSeconds),
    getInt: (req) => get(req.key, "int", 0n),
    setFloat: (req) => set(req.key, { type: "float", value: req.value ?? 0 }, req.ttlSeconds),
    getFloat: (req) => get(req.key, "float", 0),
    setBytes: (req) => set(req.key, { type: "bytes", value: req.value ?? new Uint8Array() }, req.ttlSeconds),
    getBytes: (req) => get(req.key, "bytes", new Uint8Array()),
    async remove(req) {
      await (await records).delete(req.key ?? "");
      return { success: true };
    },
    async has(req) {
      return { exists: (await (await records).get(req.key ?? "", Date.now())) !== undefined };
    },
    stats() {
      // Answers what the last look at the store found, and looks again for the next caller.
      refreshStats().catch(() => {});
      return { ...stats };
    },
    close() {},
  };
}
