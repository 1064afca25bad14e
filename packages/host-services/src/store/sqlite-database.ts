import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { ConfigurationError } from "../errors.js";

const TABLES = `
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL,
  size INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS kv_expiry ON kv (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY,
  queue TEXT NOT NULL,
  payload BLOB NOT NULL,
  status TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  attempt INTEGER NOT NULL DEFAULT 0,
  next_run_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER
);
CREATE INDEX IF NOT EXISTS tasks_due ON tasks (queue, status, next_run_at, created_at);
`;

/** The bytes of every stored value, expired ones included until deleted, kept by triggers: a write never sums the table. */
const KV_USAGE = `
CREATE TABLE IF NOT EXISTS kv_usage (id INTEGER PRIMARY KEY CHECK (id = 1), bytes INTEGER NOT NULL);
INSERT OR IGNORE INTO kv_usage (id, bytes) SELECT 1, coalesce(sum(size), 0) FROM kv;
CREATE TRIGGER IF NOT EXISTS kv_usage_insert AFTER INSERT ON kv
  BEGIN UPDATE kv_usage SET bytes = bytes + new.size WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS kv_usage_update AFTER UPDATE OF size ON kv WHEN new.size <> old.size
  BEGIN UPDATE kv_usage SET bytes = bytes + new.size - old.size WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS kv_usage_delete AFTER DELETE ON kv
  BEGIN UPDATE kv_usage SET bytes = bytes - old.size WHERE id = 1; END;
`;

/**
 * Step n brings a database of version n to version n + 1 (kept in `PRAGMA user_version`); a new
 * database runs them all. Each step is idempotent, so two processes opening one file at once are safe.
 */
const MIGRATIONS: readonly string[] = [TABLES, KV_USAGE];

/** Loaded on first use: Node 20 tooling that only imports this package never touches node:sqlite. */
function sqliteModule(): typeof import("node:sqlite") {
  return process.getBuiltinModule("node:sqlite") as typeof import("node:sqlite");
}

/** A plugin id as one folder name: URI-encoded, and never "", "." or "..". */
function folderName(pluginId: string): string {
  if (pluginId === "") throw new ConfigurationError("a plugin with a store needs a non-empty id");
  const encoded = encodeURIComponent(pluginId);
  return /^\.+$/.test(encoded) ? encoded.replaceAll(".", "%2E") : encoded;
}

/** `<dataFolder>/plugin-state/<encoded id>`: the folder of one plugin's state, and nothing else's. */
export function pluginStateFolder(dataFolder: string, pluginId: string): string {
  return join(dataFolder, "plugin-state", folderName(pluginId));
}

/** The path of a plugin's database: `<dataFolder>/plugin-state/<encoded id>/state.db`, its folder made 0700. */
export function pluginDatabasePath(dataFolder: string, pluginId: string): string {
  const folder = pluginStateFolder(dataFolder, pluginId);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
  return join(folder, "state.db");
}

/** Opens (creating if needed) a plugin's database; `location` ":memory:" keeps it in memory. */
export function openPluginDatabase(location: string): DatabaseSync {
  const { DatabaseSync } = sqliteModule();
  const db = new DatabaseSync(location);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;");
  const { user_version: version } = db.prepare("PRAGMA user_version").get() as { user_version: number };
  if (version < MIGRATIONS.length) {
    inTransaction(db, () => {
      for (const step of MIGRATIONS.slice(version)) db.exec(step);
      db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    });
  }
  return db;
}

type StatementSync = ReturnType<DatabaseSync["prepare"]>;

interface TransactionStatements {
  readonly begin: StatementSync;
  readonly commit: StatementSync;
  readonly rollback: StatementSync;
}

// Prepared once per database: a write is short, and parsing these again each time showed in profiles.
const transactionStatements = new WeakMap<DatabaseSync, TransactionStatements>();

function statementsOf(db: DatabaseSync): TransactionStatements {
  let statements = transactionStatements.get(db);
  if (!statements) {
    statements = { begin: db.prepare("BEGIN IMMEDIATE"), commit: db.prepare("COMMIT"), rollback: db.prepare("ROLLBACK") };
    transactionStatements.set(db, statements);
  }
  return statements;
}

/** Runs `work` in a write transaction: all of it or none of it. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  const { begin, commit, rollback } = statementsOf(db);
  begin.run();
  try {
    const result = work();
    commit.run();
    return result;
  } catch (error) {
    rollback.run();
    throw error;
  }
}
