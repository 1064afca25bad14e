import { PluginManager, type Logger, type PluginManagerOptions } from "@nd/runtime";

/**
 * Holds the host's PluginManager. A plugin whose files change is reloaded in place; plugins
 * that appear are loaded and those that disappear unloaded, leaving the others (and their
 * caches) untouched.
 */
export class PluginHost {
  private readonly current: PluginManager;
  private readonly running = new Map<PluginManager, number>();
  private readonly drained = new Map<PluginManager, () => void>();

  constructor(
    private readonly options: PluginManagerOptions,
    private readonly logger: Logger,
  ) {
    this.current = new PluginManager(options);
  }

  get manager(): PluginManager {
    return this.current;
  }

  start(): Promise<void> {
    return this.current.start();
  }

  /** Runs `work` on the current manager, which stays open until `work` settles. */
  async use<T>(work: (manager: PluginManager) => Promise<T>): Promise<T> {
    const manager = this.current;
    this.running.set(manager, (this.running.get(manager) ?? 0) + 1);
    try {
      return await work(manager);
    } finally {
      const left = this.running.get(manager)! - 1;
      this.running.set(manager, left);
      if (left === 0) this.drained.get(manager)?.();
    }
  }

  async reload(name: string): Promise<void> {
    await this.current.reload(name).catch((error: Error) => this.logger.error(`plugin ${name}: reload failed: ${error.message}`));
  }

  /** Loads the plugins that appeared in the folder and unloads those that are gone. */
  async rescan(): Promise<void> {
    await this.current.rescan();
  }

  /** Waits for running calls, then closes every manager. */
  async close(): Promise<void> {
    await this.retire(this.current);
  }

  private async retire(manager: PluginManager): Promise<void> {
    if ((this.running.get(manager) ?? 0) > 0) await new Promise<void>((resolve) => this.drained.set(manager, resolve));
    this.running.delete(manager);
    this.drained.delete(manager);
    await manager.close();
  }
}
