import { PluginManager, type Logger, type PluginManagerOptions } from "@nd/runtime";

/**
 * Holds the host's PluginManager. A plugin whose files change is reloaded in place; plugins
 * that appear are loaded and those that disappear unloaded, leaving the others (and their
 * caches) untouched.
 */
export class PluginHost {
  readonly manager: PluginManager;

  constructor(
    options: PluginManagerOptions,
    private readonly logger: Logger,
  ) {
    this.manager = new PluginManager(options);
  }

  start(): Promise<void> {
    return this.manager.start();
  }

  async reload(name: string): Promise<void> {
    await this.manager.reload(name).catch((error: Error) => this.logger.error(`plugin ${name}: reload failed: ${error.message}`));
  }

  /** Loads the plugins that appeared in the folder and unloads those that are gone. */
  async rescan(): Promise<void> {
    await this.manager.rescan();
  }

  /** Lets running calls finish within the manager's grace period (`closeGraceMs`), ends the rest, and closes. */
  close(): Promise<void> {
    return this.manager.close();
  }
}
