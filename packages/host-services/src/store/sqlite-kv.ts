import type { DatabaseSync } from "node:sqlite";
import type { KvRecords, PutResult } from "./plugin-store.js";
import { inTransaction } from "./sqlite-database.js";

const LIVE = "(expires_at IS NULL OR expires_at > $now)";
/** Byte-exact prefix test: no LIKE, so `%` and `_` in a prefix are plain characters and case counts. */
const HAS_PREFIX = "substr(key, 1, length($prefix)) = $prefix";
const BATCH = 200;
/** Expired rows are invisible to reads; besides when a write needs their room, they are deleted at most this often. */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;
const OVER_QUOTA = "nd: kvstore quota";

/**
 * The quota check, in the write itself so nothing is half-written: these triggers abort a write
 * that grows the total kept in kv_usage past this connection's limit (a value no larger than the
 * one it replaces always goes in). They are TEMP, so the limit is this connection's own. The total
 * may still count expired rows, so it never understates what is live.
 */
const QUOTA_TRIGGERS = `
CREATE TEMP TABLE IF NOT EXISTS kv_limit (id INTEGER PRIMARY KEY CHECK (id = 1), max_bytes INTEGER NOT NULL);
INSERT OR IGNORE INTO temp.kv_limit (id, max_bytes) VALUES (1, 0);
CREATE TEMP TRIGGER IF NOT EXISTS kv_quota_insert BEFORE INSERT ON main.kv
  WHEN new.size > 0 AND NOT EXISTS (SELECT 1 FROM main.kv WHERE key = new.key)
  BEGIN
    SELECT RAISE(ABORT, '${OVER_QUOTA}')
    WHERE (SELECT bytes FROM main.kv_usage WHERE id = 1) + new.size > (SELECT max_bytes FROM temp.kv_limit WHERE id = 1);
  END;
CREATE TEMP TRIGGER IF NOT EXISTS kv_quota_update BEFORE UPDATE OF size ON main.kv
  WHEN new.size > old.size
  BEGIN
    SELECT RAISE(ABORT, '${OVER_QUOTA}')
    WHERE (SELECT bytes FROM main.kv_usage WHERE id = 1) - old.size + new.size > (SELECT max_bytes FROM temp.kv_limit WHERE id = 1);
  END;
`;

/** Positional parameters: binding by name costs more than the rest of a write. */
const UPSERT =
  "INSERT INTO kv (key, value, size, expires_at) VALUES (?, ?, ?, ?) " +
  "ON CONFLICT (key) DO UPDATE SET value = excluded.value, size = excluded.size, expires_at = excluded.expires_at";

const WRITTEN: PutResult = Object.freeze({ written: true });

const isOverQuota = (error: unknown) => error instanceof Error && error.message === OVER_QUOTA;

export function sqliteKvRecords(db: DatabaseSync): KvRecords {
  db.exec(QUOTA_TRIGGERS);
  const upsert = db.prepare(UPSERT);
  const setLimit = db.prepare("UPDATE temp.kv_limit SET max_bytes = ? WHERE id = 1");
  const total = db.prepare("SELECT bytes FROM kv_usage WHERE id = 1");
  const used = db.prepare(`SELECT coalesce(sum(size), 0) AS used FROM kv WHERE ${LIVE}`);
  const purge = db.prepare("DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?");
  const getOne = db.prepare("SELECT value FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)");
  const list = db.prepare(`SELECT key FROM kv WHERE ${HAS_PREFIX} AND ${LIVE} ORDER BY key`);
  const deleteOne = db.prepare("DELETE FROM kv WHERE key = $key");
  const countPrefix = db.prepare(`SELECT count(*) AS n FROM kv WHERE ${HAS_PREFIX} AND ${LIVE}`);
  const deletePrefix = db.prepare(`DELETE FROM kv WHERE ${HAS_PREFIX}`);
  let limit: number | undefined;
  let nextPurgeAt = 0;

  /** False when the quota triggers refused the write. */
  function tryPut(key: string, value: Uint8Array, expires: number | null): boolean {
    try {
      upsert.run(key, value, value.byteLength, expires);
      return true;
    } catch (error) {
      if (isOverQuota(error)) return false;
      throw error;
    }
  }

  return {
    async put(key, value, expiresAtMs, maxBytes, now) {
      const expires = expiresAtMs ?? null;
      if (maxBytes !== limit) {
        setLimit.run(maxBytes);
        limit = maxBytes;
      }
      if (now >= nextPurgeAt) {
        purge.run(now);
        nextPurgeAt = now + PURGE_INTERVAL_MS;
      }
      if (tryPut(key, value, expires)) return WRITTEN;
      // Refused against a total that may count expired rows: without them it is exact, so try once more.
      return inTransaction(db, () => {
        purge.run(now);
        if (tryPut(key, value, expires)) return WRITTEN;
        return { written: false, usedBytes: (total.get() as { bytes: number }).bytes };
      });
    },
    async get(key, now) {
      const row = getOne.get(key, now) as { value: Uint8Array } | undefined;
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
      return (used.get({ now }) as { used: number }).used;
    },
  };
}
