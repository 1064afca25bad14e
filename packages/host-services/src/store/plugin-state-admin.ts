import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../options.js";
import type { PluginStore, TaskDepth } from "./plugin-store.js";
import { connectRedis, redactedUrl, type RedisConnection } from "./redis-connection.js";
import { globEscaped, pluginKeyPrefix, scanKeys } from "./redis-keys.js";
import { redisKvRecords } from "./redis-kv.js";
import { redisTaskRecords } from "./redis-tasks.js";
import { pluginStateFolder } from "./sqlite-database.js";
import { createStoreBackend, type StoreBackend } from "./store-backend.js";
import { resolveStoreOptions, type StoreOptions } from "./store-options.js";

export interface PluginStateStats {
  /** Live kvstore keys, and the bytes of their values. */
  keys: number;
  bytes: number;
  tasks: TaskDepth;
}

/** What an operator sees of, and does to, the stored state of plugins, beside the plugins' own calls. */
export interface PluginStateAdmin {
  /** "redis" (shared by replicas), "sqlite" (files under the data folder) or "memory" (neither configured). */
  readonly kind: "redis" | "sqlite" | "memory";
  /** The store's URL without credentials, or the folder holding the SQLite files; "" in memory. */
  readonly location: string;
  /** The plugin's state; undefined when it has none stored (nothing is created to answer). */
  stats(pluginId: string, nowMs?: number): Promise<PluginStateStats | undefined>;
  /** Deletes the plugin's whole state (its SQLite folder or its Redis keys); answers whether there was any. */
  purge(pluginId: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A second view of the store `HostServicesOptions.store` names, for status pages and removal: it opens
 * its own connection or database handles, so it works with or without a host running the plugins.
 */
export function createPluginStateAdmin(options: StoreOptions, logger: Logger): PluginStateAdmin {
  const settings = resolveStoreOptions(options);
  if (settings.url !== undefined) return redisAdmin(settings.url, settings.timeoutMs, logger);
  if (settings.dataFolder !== undefined) return sqliteAdmin(createStoreBackend(settings, logger), settings.dataFolder);
  return {
    kind: "memory",
    location: "",
    stats: async () => undefined,
    purge: async () => false,
    close: async () => {},
  };
}

async function statsOf(store: PluginStore, nowMs: number): Promise<PluginStateStats> {
  try {
    const [keys, bytes, tasks] = await Promise.all([store.kv.list("", nowMs), store.kv.bytesUsed(nowMs), store.tasks.depth()]);
    return { keys: keys.length, bytes, tasks };
  } finally {
    await store.close();
  }
}

function sqliteAdmin(backend: StoreBackend, dataFolder: string): PluginStateAdmin {
  return {
    kind: "sqlite",
    location: join(dataFolder, "plugin-state"),
    async stats(pluginId, nowMs = Date.now()) {
      if (!existsSync(join(pluginStateFolder(dataFolder, pluginId), "state.db"))) return undefined;
      return statsOf(await backend.open(pluginId), nowMs);
    },
    async purge(pluginId) {
      const folder = pluginStateFolder(dataFolder, pluginId);
      if (!existsSync(folder)) return false;
      await rm(folder, { recursive: true, force: true });
      return true;
    },
    close: () => backend.close(),
  };
}

function redisAdmin(url: string, timeoutMs: number, logger: Logger): PluginStateAdmin {
  let connection: Promise<RedisConnection> | undefined;
  const connected = () => (connection ??= connectRedis(url, timeoutMs, logger));
  const pluginKeys = async (pluginId: string) => {
    const shared = await connected();
    return { shared, keys: await scanKeys(shared, `${globEscaped(pluginKeyPrefix(pluginId))}*`) };
  };
  return {
    kind: "redis",
    location: redactedUrl(url),
    async stats(pluginId, nowMs = Date.now()) {
      if ((await pluginKeys(pluginId)).keys.length === 0) return undefined;
      const redis = await connected();
      const prefix = pluginKeyPrefix(pluginId);
      return statsOf({ kv: redisKvRecords(redis, prefix), tasks: redisTaskRecords(redis, prefix), close: async () => {} }, nowMs);
    },
    async purge(pluginId) {
      const { shared, keys } = await pluginKeys(pluginId);
      for (let start = 0; start < keys.length; start += 500) {
        await shared.run(shared.redis.unlink(...keys.slice(start, start + 500)));
      }
      return keys.length > 0;
    },
    async close() {
      await (await connection?.catch(() => undefined))?.close();
    },
  };
}
