import { basename } from "node:path";
import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import { failure } from "../errors.js";
import { writeLine, type CliIo } from "../io.js";
import { warnOfInitError, withSinglePlugin } from "../manager.js";
import { findInstalled } from "../plugins-folder.js";
import { progress } from "../progress.js";
import { requestRefresh } from "../refresh-marker.js";

export function refreshCommand(io: CliIo): Command {
  return defineCommand({
    name: "refresh",
    summary: "re-read and recompile a plugin; a running nd serve on the same folder reloads it within 2 seconds",
    example: "nd plugin refresh my-plugin",
  })
    .argument("<name>", "the plugin's name")
    .action(async (name: string, _options, command: Command) => {
      const context = await contextOf(io, command);
      const plugin = await findInstalled(context.folder, name);
      const status = progress(io.stderr);
      status.step("compiling");
      const info = await withSinglePlugin(plugin, context.config, io, async (manager) => manager.list()[0]).finally(
        () => status.done(),
      );
      if (info?.state !== "loaded") throw failure(`plugin "${name}" does not load: ${info?.error?.message ?? "unknown reason"}`);
      warnOfInitError(io, info);
      await requestRefresh(context.folder, basename(plugin.path));
      writeLine(io.stdout, `refreshed ${plugin.name} ${info.manifest?.version ?? ""}; a running nd serve on ${context.folder} reloads it`);
    });
}
