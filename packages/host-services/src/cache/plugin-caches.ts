import type { ResolvedOptions } from "../options.js";
import { type ClosableCacheService, createCacheService } from "./cache-service.js";

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
  private readonly held = new Map<string, Held>();

  constructor(private readonly limits: ResolvedOptions["cache"]) {}

  /** The plugin's cache, created on first use; give it back with `release` when done. */
  acquire(pluginName: string): ClosableCacheService {
    let entry = this.held.get(pluginName);
    if (!entry) {
      entry = { cache: createCacheService(this.limits), users: 0 };
      this.held.set(pluginName, entry);
    }
    entry.users++;
    return entry.cache;
  }

  release(pluginName: string): void {
    const entry = this.held.get(pluginName);
    if (!entry || --entry.users > 0) return;
    this.held.delete(pluginName);
    entry.cache.close();
  }
}
