import { mkdtemp, realpath, rm, symlink } from "node:fs/promises";
import { extractNdp, readAnyNdp } from "@nd/ndp";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostServicesOptions, StoreOptions } from "@nd/host-services";
import { PluginManager, type Logger, type PluginInfo, type PluginManagerOptions } from "@nd/runtime";
import type { HostConfig } from "./config.js";
import { writeLine, type CliIo } from "./io.js";
import { subsonicForwarder } from "./serve/subsonic-forwarder.js";
import { musicServerProviders } from "./serve/subsonic-providers.js";

/** Host service settings that follow from the config file. */
export function hostServicesOptions(config: HostConfig): HostServicesOptions {
  return {
    ...(config.cacheSizeBytes !== undefined && { cache: { maxBytesPerPlugin: config.cacheSizeBytes } }),
    artwork: { baseUrl: config.shareUrl, secret: config.artworkSecret },
    ...(config.subsonic && { subsonicapi: { handler: subsonicForwarder(config.subsonic) } }),
  };
}

export function managerOptions(config: HostConfig, folder: string, logger: Logger): PluginManagerOptions {
  return {
    folder,
    readPackage: readAnyNdp,
    pluginConfig: config.pluginConfig,
    pluginConfigValues: config.pluginConfigValues,
    pluginAccess: (id) => config.pluginAccess[id],
    hostServices: { logger, ...hostServicesOptions(config), ...storeOptions(config), ...musicServerProviders(config.subsonic, logger).providers },
    logger,
  };
}

/**
 * Generation-2 state (kvstore, task queues): Redis or Valkey at `[Store] URL`, else SQLite
 * files under `<DataFolder>/plugin-state/<id>/`.
 */
export function storeOptions(config: HostConfig): { store: StoreOptions } {
  const shared = config.store && { url: config.store.url, ...(config.store.taskLeaseMs !== undefined && { taskLeaseMs: config.store.taskLeaseMs }) };
  return { store: { dataFolder: config.dataFolder, ...shared } };
}

/** Plugin output (WASI stdout/stderr) and warnings go to stderr; the manager's own info lines are dropped. */
export function commandLogger(io: CliIo): Logger {
  const write = (message: string) => writeLine(io.stderr, message);
  return {
    debug: () => {},
    info: (message, fields) => (fields && "stream" in fields ? write(message) : undefined),
    warn: write,
    error: () => {},
  };
}

/** Tells on stderr that a plugin's OnInit failed; the plugin is loaded all the same, as in a host. */
export function warnOfInitError(io: CliIo, info: PluginInfo | undefined): void {
  if (info?.initError) writeLine(io.stderr, `nd: warning: plugin "${info.id}": OnInit failed (the plugin stays loaded): ${info.initError.message}`);
}

/**
 * Loads one plugin alone, as the host would (compile, link, OnInit with its config), in a
 * private folder holding only a link to it (or, for a generation-2 package, its files under
 * its ID), so other plugins of the folder do not run.
 */
export async function withSinglePlugin<T>(
  plugin: { readonly path: string; readonly name: string; readonly isPackage?: boolean },
  config: HostConfig,
  io: CliIo,
  run: (manager: PluginManager) => Promise<T>,
): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), "nd-plugin-"));
  const manager = new PluginManager({ ...managerOptions(config, folder, commandLogger(io)), workers: 1 });
  try {
    if (plugin.isPackage) await extractNdp(plugin.path, join(folder, plugin.name));
    else await symlink(await realpath(plugin.path), join(folder, plugin.name), "dir");
    await manager.start();
    return await run(manager);
  } finally {
    await manager.close();
    await rm(folder, { recursive: true, force: true });
  }
}
