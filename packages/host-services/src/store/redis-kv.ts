import type { KvRecords, PutResult } from "./plugin-store.js";
import type { RedisConnection } from "./redis-connection.js";
import { kvKeys, kvValuePrefix, lexRange } from "./redis-keys.js";

const BATCH = 200;
/** Besides when a write needs their room, expired names are dropped from the bookkeeping at most this often. */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;
const WRITTEN: PutResult = Object.freeze({ written: true });

/** Expiry follows the Redis server's clock (see the scripts), so `now` only turns an expiry time into a TTL. */
export function redisKvRecords(connection: RedisConnection, prefix: string): KvRecords {
  const keys = kvKeys(prefix);
  const valuePrefix = kvValuePrefix(prefix);
  const { redis, run } = connection;
  const put = connection.script("ndKvPut");
  const list = connection.script("ndKvList");
  const remove = connection.script("ndKvDelete");
  const removePrefix = connection.script("ndKvDeletePrefix");
  const used = connection.script("ndKvUsed");
  let nextPurgeAt = 0;

  return {
    async put(key, value, expiresAtMs, maxBytes, now) {
      const ttlMs = expiresAtMs === undefined ? "" : Math.max(1, Math.ceil(expiresAtMs - now));
      const purgeFirst = now >= nextPurgeAt ? "1" : "";
      if (purgeFirst) nextPurgeAt = now + PURGE_INTERVAL_MS;
      const answer = Number(await put(...keys, valuePrefix, key, Buffer.from(value.buffer, value.byteOffset, value.byteLength), ttlMs, maxBytes, purgeFirst));
      return answer === -1 ? WRITTEN : { written: false, usedBytes: answer };
    },
    async get(key) {
      const value = await run(redis.getBuffer(valuePrefix + key));
      return value ? new Uint8Array(value) : undefined;
    },
    async getMany(names) {
      const found = new Map<string, Uint8Array>();
      for (let start = 0; start < names.length; start += BATCH) {
        const batch = names.slice(start, start + BATCH);
        const values = await run(redis.mgetBuffer(...batch.map((name) => valuePrefix + name)));
        values.forEach((value, index) => {
          if (value) found.set(batch[index]!, new Uint8Array(value));
        });
      }
      return found;
    },
    async list(keyPrefix) {
      return (await list(...keys, valuePrefix, ...lexRange(keyPrefix))) as string[];
    },
    async delete(key) {
      await remove(...keys, valuePrefix, key);
    },
    async deleteByPrefix(keyPrefix) {
      return Number(await removePrefix(...keys, valuePrefix, ...lexRange(keyPrefix)));
    },
    async bytesUsed() {
      return Number(await used(...keys, valuePrefix));
    },
  };
}
