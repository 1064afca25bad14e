import { Command } from "commander";
import { commandContext, type CommandContext, type CommonOptions } from "./context.js";
import type { CliIo } from "./io.js";

interface CommandSpec {
  name: string;
  summary: string;
  /** Shown at the end of `--help`. */
  example: string;
  /** Whether the command prints data and so takes `--json`. */
  json?: boolean;
  /** False for commands that never touch the plugins folder: they do not take `--folder` and `--config`. */
  pluginsFolder?: boolean;
}

/** The help of --folder, the same for every command that takes it. */
export const FOLDER_OPTION_HELP =
  "plugins folder (env ND_PLUGINS_FOLDER; default from --config, else <DataFolder>/plugins: without a DataFolder in the config, $XDG_DATA_HOME/nd/plugins, ~/.local/share/nd/plugins)";

/** A subcommand with the options every plugin command shares and an example in its help. */
export function defineCommand(spec: CommandSpec): Command {
  const command = new Command(spec.name).description(spec.summary);
  if (spec.pluginsFolder !== false) {
    command
      .option("--folder <dir>", FOLDER_OPTION_HELP)
      .option("--config <file>", "TOML config file ([Plugins], [PluginConfig.<name>])");
  }
  if (spec.json) command.option("--json", "print JSON instead of text");
  return command.addHelpText("after", `\nExample:\n  ${spec.example}\n`);
}

/** The context of a command from its own options. */
export function contextOf(io: CliIo, command: Command): Promise<CommandContext> {
  return commandContext(io, command.opts<CommonOptions>());
}
