import type { DatabaseSync } from "node:sqlite";
import type { KvRecords } from "./plugin-store.js";
import { inTransaction } from "./sqlite-database.js";

const LIVE = "(expires_at IS NULL OR expires_at > $now)";
/** Byte-exact prefix test: no LIKE, so `%` and `_` in a prefix are plain characters and case counts. */
const HAS_PREFIX = "substr(key, 1, length($prefix)) = $prefix";
const BATCH = 200;

export function sqliteKvRecords(db: DatabaseSync): KvRecords {
  const used = db.prepare(`SELECT coalesce(sum(size), 0) AS used FROM kv WHERE ${LIVE}`);
  const liveSize = db.prepare(`SELECT size FROM kv WHERE key = $key AND ${LIVE}`);
  const upsert = db.prepare(
    "INSERT INTO kv (key, value, size, expires_at) VALUES ($key, $value, $size, $expires) " +
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value, size = excluded.size, expires_at = excluded.expires_at",
  );
  const purge = db.prepare("DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= $now");
  const getOne = db.prepare(`SELECT value FROM kv WHERE key = $key AND ${LIVE}`);
  const list = db.prepare(`SELECT key FROM kv WHERE ${HAS_PREFIX} AND ${LIVE} ORDER BY key`);
  const deleteOne = db.prepare("DELETE FROM kv WHERE key = $key");
  const countPrefix = db.prepare(`SELECT count(*) AS n FROM kv WHERE ${HAS_PREFIX} AND ${LIVE}`);
  const deletePrefix = db.prepare(`DELETE FROM kv WHERE ${HAS_PREFIX}`);

  const usedBytes = (now: number) => (used.get({ now }) as { used: number }).used;

  return {
    async put(key, value, expiresAtMs, maxBytes, now) {
      return inTransaction(db, () => {
        purge.run({ now });
        const old = (liveSize.get({ key, now }) as { size: number } | undefined)?.size ?? 0;
        const before = usedBytes(now);
        if (value.byteLength > old && before - old + value.byteLength > maxBytes) {
          return { written: false, usedBytes: before };
        }
        upsert.run({ key, value, size: value.byteLength, expires: expiresAtMs ?? null });
        return { written: true };
      });
    },
    async get(key, now) {
      const row = getOne.get({ key, now }) as { value: Uint8Array } | undefined;
      return row?.value;
    },
    async getMany(keys, now) {
      const found = new Map<string, Uint8Array>();
      for (let start = 0; start < keys.length; start += BATCH) {
        const batch = keys.slice(start, start + BATCH);
        const marks = batch.map((_, index) => `$k${index}`).join(", ");
        const params: Record<string, string | number> = { now };
        batch.forEach((key, index) => (params[`k${index}`] = key));
        const rows = db.prepare(`SELECT key, value FROM kv WHERE key IN (${marks}) AND ${LIVE}`).all(params);
        for (const row of rows as { key: string; value: Uint8Array }[]) found.set(row.key, row.value);
      }
      return found;
    },
    async list(prefix, now) {
      return (list.all({ prefix, now }) as { key: string }[]).map((row) => row.key);
    },
    async delete(key) {
      deleteOne.run({ key });
    },
    async deleteByPrefix(prefix, now) {
      return inTransaction(db, () => {
        const { n } = countPrefix.get({ prefix, now }) as { n: number };
        deletePrefix.run({ prefix });
        return n;
      });
    },
    async bytesUsed(now) {
      return usedBytes(now);
    },
  };
}
