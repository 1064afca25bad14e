import { createCacheCalls, type SharedCacheHandle } from "../cache/cache-calls.js";
import { type CacheService, promised } from "../cache/cache-service.js";
import { SharedLruStore } from "../cache/shared-lru-store.js";
import type { Logger } from "../options.js";
import { CACHE_FUNCTIONS } from "./cache-functions.js";
import { CONFIG_FUNCTIONS } from "./config-functions.js";
import type { Gen2Services, UserFunction } from "./gen2-services.js";
import { runUserFunction } from "./run-user-function.js";

/** A generation-2 host function answered in the calling thread: JSON request bytes in, JSON envelope out. */
export type WorkerUserFunction = (request: Uint8Array) => Promise<Uint8Array>;

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The generation-2 functions a worker thread answers itself, with the same JSON functions the
 * host's thread runs: `config_*` from the plugin's config map (fixed for a load), and `cache_*`
 * from the shared memory of the plugin's cache when it has one (`cache`: its CacheService's
 * `shared`). Every other function goes to the host's thread.
 */
export function gen2WorkerFunctions(
  pluginId: string,
  config: Readonly<Record<string, string>>,
  cache?: SharedCacheHandle,
): Map<string, WorkerUserFunction> {
  const services: Gen2Services = {
    pluginId,
    permissions: {},
    access: { users: [], libraries: [], writeAccess: false },
    config: new Map(Object.entries(config)),
    logger: quiet,
    ...(cache && { cache: promised(createCacheCalls(SharedLruStore.attach(cache.buffer), cache.defaultTtlSeconds)) as unknown as CacheService }),
  };
  const served: Record<string, UserFunction> = { ...CONFIG_FUNCTIONS, ...(cache && CACHE_FUNCTIONS) };
  return new Map(
    Object.entries(served).map(([name, fn]) => [name, (request: Uint8Array) => runUserFunction(fn, services, name, request, {})]),
  );
}
