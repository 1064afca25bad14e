import type { Gen2Instance } from "./gen2-instance.js";
import { ImportWatch } from "./import-watch.js";
import type { PluginImage } from "../messages.js";

interface Spare {
  readonly image: PluginImage;
  readonly instance: Gen2Instance;
  readonly madeAt: number;
}

/** Makes an instance; with a watch, its imports count their calls. */
export type MakeInstance = (watch?: ImportWatch) => Gen2Instance;

/**
 * A start function that ran this long is not run ahead: making a spare holds the thread,
 * and a call of another plugin may arrive meanwhile.
 */
export const MAX_AHEAD_START_MS = 5;

/**
 * Fresh generation-2 instances waiting for a plugin's next calls, so they skip
 * instantiation: instances of calls just ended, renewed (up to `maxIdleInstances`, as many
 * as its calls in flight at once), or one made when the worker has no call to read. Spares
 * are kept only for the plugin version the worker serves, and dropped with it; a call that
 * takes one is its only user.
 *
 * A spare has run none of the plugin's code, or only a start function known to call no
 * import: such a start function depends on nothing but the module, so it runs the same in
 * every instance and leaves nothing of a call behind. The first instance of a version with a
 * start function is made for a call (under its deadline) and watched to learn that; being
 * watched makes its imports slower, so it serves that one call and is not renewed.
 */
export class SpareInstances {
  private readonly spares = new Map<string, Spare[]>();
  private readonly wanted = new Map<string, { readonly image: PluginImage; readonly make: MakeInstance }>();
  /** Versions whose start function was seen to call no import, quickly. */
  private readonly quietStarts = new WeakSet<PluginImage>();
  /** Versions whose start function was seen to call an import: never made ahead. */
  private readonly busyStarts = new WeakSet<PluginImage>();

  /** A spare of the plugin version, if one waits; it is the caller's from then on. */
  take(image: PluginImage): Gen2Instance | undefined {
    const spares = this.spares.get(image.pluginId);
    const spare = spares?.pop();
    if (spares?.length === 0) this.spares.delete(image.pluginId);
    return spare?.image === image ? spare.instance : undefined;
  }

  /** A new instance for a call now; watched while what its start function does is not known yet. */
  fresh(image: PluginImage, make: MakeInstance): Gen2Instance {
    if (image.gen2?.instantiateAhead || this.quietStarts.has(image) || this.busyStarts.has(image)) return make();
    const watch = new ImportWatch();
    const startedAt = performance.now();
    const instance = make(watch);
    if (watch.calls > 0) this.busyStarts.add(image);
    else if (performance.now() - startedAt <= MAX_AHEAD_START_MS) this.quietStarts.add(image);
    return instance;
  }

  /** Asks for a spare of this plugin version, made by `makeOne` when the worker is idle. */
  want(image: PluginImage, make: MakeInstance): void {
    if (this.mayMakeAhead(image) && !this.spares.has(image.pluginId)) this.wanted.set(image.pluginId, { image, make });
  }

  /** Makes one wanted spare whose version `current` still serves; false when none was wanted. */
  makeOne(current: (pluginId: string) => PluginImage | undefined): boolean {
    const next = this.wanted.entries().next();
    if (next.done) return false;
    const [pluginId, { image, make }] = next.value;
    this.wanted.delete(pluginId);
    if (current(pluginId) !== image) return true;
    try {
      this.spares.set(pluginId, [{ image, instance: make(), madeAt: Date.now() }]);
    } catch {
      // The call that needs an instance makes its own and reports why it cannot.
    }
    return true;
  }

  /**
   * Keeps an instance whose call has ended as a spare of its version, renewed to what a
   * fresh instance holds (Gen2Instance.renew), when fewer than `maxIdleInstances` wait and
   * every instance of the version starts alike; false when it is not kept.
   */
  keepRenewed(image: PluginImage, instance: Gen2Instance): boolean {
    // Spares of an older version of the plugin go.
    const spares = (this.spares.get(image.pluginId) ?? []).filter((spare) => spare.image === image);
    if (spares.length >= image.maxIdleInstances || !this.mayMakeAhead(image) || !instance.renew()) return false;
    spares.push({ image, instance, madeAt: Date.now() });
    this.spares.set(image.pluginId, spares);
    return true;
  }

  drop(pluginId: string): void {
    this.spares.delete(pluginId);
    this.wanted.delete(pluginId);
  }

  clear(): void {
    this.spares.clear();
    this.wanted.clear();
  }

  dropOlderThan(cutoff: number): void {
    for (const [pluginId, spares] of this.spares) {
      const kept = spares.filter((spare) => spare.madeAt >= cutoff);
      if (kept.length > 0) this.spares.set(pluginId, kept);
      else this.spares.delete(pluginId);
    }
  }

  private mayMakeAhead(image: PluginImage): boolean {
    return image.gen2?.instantiateAhead === true || this.quietStarts.has(image);
  }
}
