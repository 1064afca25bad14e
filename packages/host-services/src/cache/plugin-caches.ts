import type { ResolvedOptions } from "../options.js";
import type { StoreBackend } from "../store/store-backend.js";
import { type ClosableCacheService, createCacheService } from "./cache-service.js";
import { createSharedStoreCache } from "./shared-store-cache.js";

type Generation = 1 | 2;

interface Held {
  readonly cache: ClosableCacheService;
  users: number;
}

/**
 * The caches of a host's plugins, one per plugin name. A reload creates the new version's
 * services before the old version's close, so the cache passes from one to the other with its
 * data; it is freed when its last user closes (the plugin was removed, or lost its cache
 * permission). No plugin can reach another name's cache.
 */
export class PluginCaches {
  // By generation, then name (generation 2: the plugin id): the two never share a cache.
  private readonly held = new Map<Generation, Map<string, Held>>([
    [1, new Map()],
    [2, new Map()],
  ]);

  constructor(
    private readonly limits: ResolvedOptions["cache"],
    /** With a shared store (Redis), caches live there and every host of the cluster sees them. */
    private readonly store?: StoreBackend,
  ) {}

  /** The plugin's cache, created on first use; give it back with `release` when done. */
  acquire(pluginName: string, generation: Generation = 1): ClosableCacheService {
    const held = this.held.get(generation)!;
    let entry = held.get(pluginName);
    if (!entry) {
      entry = { cache: this.create(generation, pluginName), users: 0 };
      held.set(pluginName, entry);
    }
    entry.users++;
    return entry.cache;
  }

  private create(generation: Generation, pluginName: string): ClosableCacheService {
    const records = this.store?.openCache(`g${generation}:${encodeURIComponent(pluginName)}`);
    return records ? createSharedStoreCache(records, this.limits) : createCacheService(this.limits);
  }

  release(pluginName: string, generation: Generation = 1): void {
    const held = this.held.get(generation)!;
    const entry = held.get(pluginName);
    if (!entry || --entry.users > 0) return;
    held.delete(pluginName);
    entry.cache.close();
  }
}
