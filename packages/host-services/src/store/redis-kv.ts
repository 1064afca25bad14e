import type { KvRecords } from "./plugin-store.js";
import type { RedisConnection } from "./redis-connection.js";
import { kvKeys, lexRange } from "./redis-keys.js";

const BATCH = 200;

export function redisKvRecords(connection: RedisConnection, prefix: string): KvRecords {
  const keys = kvKeys(prefix);
  const put = connection.script("ndKvPut");
  const get = connection.script("ndKvGet", true);
  const list = connection.script("ndKvList");
  const remove = connection.script("ndKvDelete");
  const removePrefix = connection.script("ndKvDeletePrefix");
  const used = connection.script("ndKvUsed");

  async function values(names: readonly string[], now: number): Promise<(Buffer | null)[]> {
    return (await get(...keys, now, ...names)) as (Buffer | null)[];
  }

  return {
    async put(key, value, expiresAtMs, maxBytes, now) {
      const answer = Number(await put(...keys, now, key, Buffer.from(value), expiresAtMs ?? "", maxBytes));
      return answer === -1 ? { written: true } : { written: false, usedBytes: answer };
    },
    async get(key, now) {
      const [value] = await values([key], now);
      return value ? new Uint8Array(value) : undefined;
    },
    async getMany(names, now) {
      const found = new Map<string, Uint8Array>();
      for (let start = 0; start < names.length; start += BATCH) {
        const batch = names.slice(start, start + BATCH);
        (await values(batch, now)).forEach((value, index) => {
          if (value) found.set(batch[index]!, new Uint8Array(value));
        });
      }
      return found;
    },
    async list(keyPrefix, now) {
      return (await list(...keys, now, ...lexRange(keyPrefix))) as string[];
    },
    async delete(key) {
      await remove(...keys, Date.now(), key);
    },
    async deleteByPrefix(keyPrefix, now) {
      return Number(await removePrefix(...keys, now, ...lexRange(keyPrefix)));
    },
    async bytesUsed(now) {
      return Number(await used(...keys, now));
    },
  };
}
