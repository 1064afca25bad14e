import { PluginManager, type Logger, type PluginManagerOptions } from "@nd/runtime";

/**
 * Holds the host's PluginManager. A plugin whose files change is reloaded in place; when
 * plugins appear or disappear the manager is replaced, and the old one is closed once the
 * calls it is running are done. Shutting down does not wait that long: see `close`.
 */
export class PluginHost {
  private current: PluginManager;
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

  /** Loads the folder afresh into a new manager and retires the old one. */
  async replace(): Promise<void> {
    const next = new PluginManager(this.options);
    await next.start();
    const previous = this.current;
    this.current = next;
    await this.retire(previous);
  }

  /**
   * Closes every manager, the current one and those still finishing calls after a
   * replace: each lets its running calls finish within its grace period, then ends them.
   */
  async close(): Promise<void> {
    await Promise.all([...new Set([this.current, ...this.running.keys()])].map((manager) => manager.close()));
  }

  private async retire(manager: PluginManager): Promise<void> {
    if ((this.running.get(manager) ?? 0) > 0) await new Promise<void>((resolve) => this.drained.set(manager, resolve));
    this.running.delete(manager);
    this.drained.delete(manager);
    await manager.close();
  }
}
