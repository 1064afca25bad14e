import { StoreError } from "../errors.js";
import type { KvRecords } from "../store/plugin-store.js";

/** Navidrome's limit on kvstore keys. */
export const MAX_KEY_BYTES = 256;

/** KVStore (generation 2): a plugin's persistent key-value store, counted against its quota. */
export interface KvStoreService {
  set(key: string, value: Uint8Array): Promise<void>;
  /** `ttlSeconds` must be > 0; the key is gone after it. */
  setWithTtl(key: string, value: Uint8Array, ttlSeconds: number): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  getMany(keys: readonly string[]): Promise<Map<string, Uint8Array>>;
  has(key: string): Promise<boolean>;
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  deleteByPrefix(prefix: string): Promise<number>;
  storageUsed(): Promise<number>;
}

function checkKey(key: string): void {
  if (key.length === 0) throw new StoreError("invalid", "key cannot be empty");
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) {
    throw new StoreError("invalid", `key length exceeds maximum of ${MAX_KEY_BYTES} bytes (got ${bytes})`);
  }
}

/** `open` gives the plugin's records, opening its store on first use. */
export function createKvStoreService(
  open: () => Promise<KvRecords>,
  maxBytes: number,
  now: () => number = Date.now,
): KvStoreService {
  async function put(key: string, value: Uint8Array, expiresAtMs: number | undefined): Promise<void> {
    checkKey(key);
    const result = await (await open()).put(key, value, expiresAtMs, maxBytes, now());
    if (!result.written) {
      throw new StoreError(
        "limit",
        `storage limit exceeded: ${result.usedBytes} of ${maxBytes} bytes used, cannot store ${value.byteLength} more bytes for key "${key}"`,
      );
    }
  }

  return {
    set: (key, value) => put(key, value, undefined),
    async setWithTtl(key, value, ttlSeconds) {
      if (!(ttlSeconds > 0)) throw new StoreError("invalid", "ttlSeconds must be greater than 0");
      await put(key, value, now() + ttlSeconds * 1000);
    },
    get: async (key) => (await open()).get(key, now()),
    getMany: async (keys) => (await open()).getMany(keys, now()),
    has: async (key) => (await (await open()).get(key, now())) !== undefined,
    list: async (prefix) => (await open()).list(prefix, now()),
    delete: async (key) => (await open()).delete(key),
    async deleteByPrefix(prefix) {
      if (prefix.length === 0) throw new StoreError("invalid", "prefix cannot be empty");
      return (await open()).deleteByPrefix(prefix, now());
    },
    storageUsed: async () => (await open()).bytesUsed(now()),
  };
}
