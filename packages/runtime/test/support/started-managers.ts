import { PluginManager, type PluginManagerOptions } from "@nd/runtime";
import { afterEach } from "vitest";
import { memoryLogger } from "./wat-plugins.js";

/**
 * `start(folder, options)` for a test file: a started one-worker manager logging to memory,
 * closed after each test.
 */
export function startedManagers() {
  const managers: PluginManager[] = [];
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((manager) => manager.close()));
  });
  return async function start(folder: string, options: Partial<PluginManagerOptions> = {}) {
    const { logger, lines } = memoryLogger();
    const manager = new PluginManager({ folder, workers: 1, logger, ...options });
    managers.push(manager);
    await manager.start();
    return { manager, lines };
  };
}
