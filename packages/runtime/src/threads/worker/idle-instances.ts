import type { PluginInstance } from "./plugin-instance.js";
import type { PluginImage } from "./messages.js";

/**
 * Instances waiting for their plugin's next call, per plugin version, the most recently
 * used last. A worker runs as many calls of a plugin at once as it has waiting in host
 * calls, each on its own instance, so it keeps up to `maxIdleInstances` of each.
 */
export class IdleInstances {
  private readonly byPlugin = new Map<string, PluginInstance[]>();

  take(pluginId: string): PluginInstance | undefined {
    const instances = this.byPlugin.get(pluginId);
    const instance = instances?.pop();
    if (instances?.length === 0) this.byPlugin.delete(pluginId);
    return instance;
  }

  put(image: PluginImage, instance: PluginInstance): void {
    const instances = this.byPlugin.get(image.pluginId) ?? [];
    if (instances.length >= image.maxIdleInstances) return;
    instances.push(instance);
    this.byPlugin.set(image.pluginId, instances);
  }

  drop(pluginId: string): void {
    this.byPlugin.delete(pluginId);
  }

  dropOlderThan(cutoff: number): void {
    for (const [pluginId, instances] of this.byPlugin) {
      const kept = instances.filter((instance) => instance.lastUsed >= cutoff);
      if (kept.length > 0) this.byPlugin.set(pluginId, kept);
      else this.byPlugin.delete(pluginId);
    }
  }

  clear(): void {
    this.byPlugin.clear();
  }
}
