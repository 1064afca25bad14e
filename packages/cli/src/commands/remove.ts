import { lstat, realpath, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { pluginFolderName } from "@nd/manifest";
import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import { writeLine, type CliIo } from "../io.js";
import { findInstalled } from "../plugins-folder.js";
import { removeStoredState, storedStateChoice } from "../stored-state.js";

export function removeCommand(io: CliIo): Command {
  return defineCommand({
    name: "remove",
    summary: "remove an installed plugin (for a dev link, the link only)",
    example: "nd plugin remove my-plugin",
  })
    .argument("<name>", "the plugin's name")
    .option("--purge", "also delete a generation-2 plugin's stored data (kvstore, tasks) without asking")
    .option("--keep-data", "keep a generation-2 plugin's stored data")
    .action(async (name: string, options: { purge?: boolean; keepData?: boolean }, command: Command) => {
      const choice = storedStateChoice(options);
      const context = await contextOf(io, command);
      const direct = join(context.folder, pluginFolderName(name));
      // A dev link whose folder is gone is no plugin any more, but its link must still be removable.
      const isLink = (await lstat(direct).catch(() => undefined))?.isSymbolicLink() === true;
      const plugin = isLink ? { path: direct, name, isDevLink: true } : await findInstalled(context.folder, name);
      if (plugin.isDevLink) {
        const target = await realpath(plugin.path).catch(() => "its missing folder");
        await unlink(plugin.path);
        writeLine(io.stdout, `removed the dev link ${plugin.path}; ${target} is untouched`);
      } else {
        if (plugin.generation === 2) await removeStoredState(context, plugin.name, choice);
        await rm(plugin.path, { recursive: true });
        writeLine(io.stdout, `removed ${plugin.name} (${plugin.path})`);
      }
    });
}
