import type { Gen2Instance } from "./gen2-instance.js";
import type { PluginImage } from "../messages.js";

interface Spare {
  readonly image: PluginImage;
  readonly instance: Gen2Instance;
  readonly madeAt: number;
}

/**
 * At most one fresh generation-2 instance per plugin, made when the worker has no call to
 * read, so the next call skips instantiation. A spare has run none of the plugin's code (only
 * modules without a start function get one), so a call that takes it still sees a fresh
 * instance; it is made only for the plugin version the worker serves, and dropped with it.
 */
export class SpareInstances {
  private readonly spares = new Map<string, Spare>();
  private readonly wanted = new Map<string, { readonly image: PluginImage; readonly make: () => Gen2Instance }>();

  /** The plugin version's spare, if one waits; it is the caller's from then on. */
  take(image: PluginImage): Gen2Instance | undefined {
    const spare = this.spares.get(image.pluginId);
    if (!spare) return undefined;
    this.spares.delete(image.pluginId);
    return spare.image === image ? spare.instance : undefined;
  }

  /** Asks for a spare of this plugin version, made by `makeOne` when the worker is idle. */
  want(image: PluginImage, make: () => Gen2Instance): void {
    if (image.gen2?.instantiateAhead && !this.spares.has(image.pluginId)) this.wanted.set(image.pluginId, { image, make });
  }

  /** Makes one wanted spare whose version `current` still serves; false when none was wanted. */
  makeOne(current: (pluginId: string) => PluginImage | undefined): boolean {
    const next = this.wanted.entries().next();
    if (next.done) return false;
    const [pluginId, { image, make }] = next.value;
    this.wanted.delete(pluginId);
    if (current(pluginId) !== image) return true;
    try {
      this.spares.set(pluginId, { image, instance: make(), madeAt: Date.now() });
    } catch {
      // The call that needs an instance makes its own and reports why it cannot.
    }
    return true;
  }

  drop(pluginId: string): void {
    this.spares.delete(pluginId);
    this.wanted.delete(pluginId);
  }

  dropOlderThan(cutoff: number): void {
    for (const [pluginId, spare] of this.spares) if (spare.madeAt < cutoff) this.spares.delete(pluginId);
  }
}
