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

/** A subcommand with the options every plugin command shares and an example in its help. */
export function defineCommand(spec: CommandSpec): Command {
  const command = new Command(spec.name).description(spec.summary);
  if (spec.pluginsFolder !== false) {
    command
      .option("--folder <dir>", "plugins folder (env ND_PLUGINS_FOLDER; default from --config, else $XDG_DATA_HOME/nd/plugins, ~/.local/share/nd/plugins)")
      .option("--config <file>", "TOML config file ([Plugins], [PluginConfig.<name>])");
  }
  if (spec.json) command.option("--json", "print JSON instead of text");
  return command.addHelpText("after", `\nExample:\n  ${spec.example}\n`);
}

/** The context of a command from its own options. */
export function contextOf(io: CliIo, command: Command): Promise<CommandContext> {
  return commandContext(io, command.opts<CommonOptions>());
}
