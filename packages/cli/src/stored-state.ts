import { createPluginStateAdmin, type PluginStateAdmin } from "@nd/host-services";
import type { CommandContext } from "./context.js";
import { failure, usageError } from "./errors.js";
import { writeLine } from "./io.js";
import { commandLogger, storeOptions } from "./manager.js";
import { askYesNo } from "./terminal-question.js";

/** What `nd plugin remove` does with a generation-2 plugin's kvstore and tasks. */
export type StoredStateChoice = "purge" | "keep" | "ask";

export function storedStateChoice(options: { purge?: boolean; keepData?: boolean }): StoredStateChoice {
  if (options.purge && options.keepData) throw usageError("--purge and --keep-data exclude each other");
  return options.purge ? "purge" : options.keepData ? "keep" : "ask";
}

/**
 * Deletes the plugin's stored state (its `<DataFolder>/plugin-state/<id>/` folder, or its keys in the
 * `[Store]` server) when chosen or confirmed on a terminal; off a terminal, asking is an error so
 * that nothing is removed by a guess. Runs before the plugin's files go, so a failure leaves it installed.
 */
export async function removeStoredState(context: CommandContext, pluginId: string, choice: StoredStateChoice): Promise<void> {
  if (choice === "keep") return;
  const { io } = context;
  const admin = createPluginStateAdmin(storeOptions(context.config).store, commandLogger(io));
  try {
    if ((await admin.stats(pluginId)) === undefined) return;
    const where = describe(admin, pluginId);
    if (choice === "ask") {
      if (!io.stdin.isTTY) throw failure(`plugin "${pluginId}" has stored data (${where}); pass --purge to delete it or --keep-data to keep it`);
      if (!(await askYesNo(io, `delete the stored data of "${pluginId}" (${where})?`))) {
        writeLine(io.stdout, `kept the stored data of ${pluginId} (${where})`);
        return;
      }
    }
    await admin.purge(pluginId);
    writeLine(io.stdout, `deleted the stored data of ${pluginId} (${where})`);
  } finally {
    await admin.close();
  }
}

function describe(admin: PluginStateAdmin, pluginId: string): string {
  return admin.kind === "redis" ? `its keys in ${admin.location}` : `${admin.location}/${encodeURIComponent(pluginId)}`;
}
