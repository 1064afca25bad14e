import type { Logger } from "../options.js";
import type { KvRecords, PluginStore } from "./plugin-store.js";
import { connectRedis, redactedUrl, type RedisConnection } from "./redis-connection.js";
import { cacheKeyPrefix, pluginKeyPrefix } from "./redis-keys.js";
import { redisKvRecords } from "./redis-kv.js";
import { redisTaskRecords } from "./redis-tasks.js";
import { openPluginDatabase, pluginDatabasePath } from "./sqlite-database.js";
import { sqliteKvRecords } from "./sqlite-kv.js";
import { sqliteTaskRecords } from "./sqlite-tasks.js";
import type { ResolvedStoreOptions } from "./store-options.js";

/** Where every plugin's state lives, for the whole host. */
export interface StoreBackend {
  /** True when several hosts may share it (Redis): tasks are leased and schedule ticks claimed. */
  readonly shared: boolean;
  open(pluginId: string): Promise<PluginStore>;
  /**
   * The records of one plugin's cache (`namespace`: its generation and name) in the shared store;
   * undefined when the store is not shared (caches then live in each host's memory).
   */
  openCache(namespace: string): Promise<KvRecords> | undefined;
  /** Answers true to the first host asking for `key` within `ttlMs`; always true when not shared. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Nothing connects or opens before a plugin first uses its store. */
export function createStoreBackend(settings: ResolvedStoreOptions, logger: Logger): StoreBackend {
  if (settings.url !== undefined) return redisBackend(settings.url, settings.timeoutMs, logger);
  return sqliteBackend(settings.dataFolder, logger);
}

function sqliteBackend(dataFolder: string | undefined, logger: Logger): StoreBackend {
  let warned = false;
  return {
    shared: false,
    async open(pluginId) {
      if (dataFolder === undefined && !warned) {
        warned = true;
        logger.warn("no store dataFolder or url is configured: plugin kvstore and task queues are kept in memory until unload");
      }
      const location = dataFolder === undefined ? ":memory:" : pluginDatabasePath(dataFolder, pluginId);
      const db = openPluginDatabase(location);
      return {
        kv: sqliteKvRecords(db),
        tasks: sqliteTaskRecords(db),
        async close() {
          if (db.isOpen) db.close();
        },
      };
    },
    openCache() {
      return undefined;
    },
    async claimOnce() {
      return true;
    },
    async close() {},
  };
}

function redisBackend(url: string, timeoutMs: number, logger: Logger): StoreBackend {
  let connection: Promise<RedisConnection> | undefined;
  const connected = () => {
    if (!connection) {
      logger.info("plugin state is kept in a shared store", { store: redactedUrl(url) });
      connection = connectRedis(url, timeoutMs, logger);
    }
    return connection;
  };
  return {
    shared: true,
    async open(pluginId) {
      const redis = await connected();
      const prefix = pluginKeyPrefix(pluginId);
      return { kv: redisKvRecords(redis, prefix), tasks: redisTaskRecords(redis, prefix), async close() {} };
    },
    async openCache(namespace) {
      return redisKvRecords(await connected(), cacheKeyPrefix(namespace));
    },
    async claimOnce(key, ttlMs) {
      const { redis, run } = await connected();
      return (await run(redis.set(key, "1", "PX", Math.max(1, Math.round(ttlMs)), "NX"))) === "OK";
    },
    async close() {
      await (await connection)?.close();
    },
  };
}
