import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { CliError } from "./errors.js";
import { loadConfig, type HostConfig } from "./config.js";
import { writeLine, type CliIo } from "./io.js";

/** Options every `nd plugin` command takes. */
export interface CommonOptions {
  folder?: string;
  config?: string;
  json?: boolean;
}

/** What a command runs with: its streams, the config, and the plugins folder it works on. */
export interface CommandContext {
  readonly io: CliIo;
  readonly config: HostConfig;
  /** `--folder`, else `ND_PLUGINS_FOLDER`, else the config's `[Plugins] Folder`, else `<DataFolder>/plugins`. */
  readonly folder: string;
  readonly json: boolean;
}

/** `warn` tells the config's warnings; by default as `nd: warning: ...` lines on stderr. */
export async function commandContext(
  io: CliIo,
  options: CommonOptions,
  warn = (warning: string) => writeLine(io.stderr, `nd: warning: ${warning}`),
): Promise<CommandContext> {
  const config = await loadConfig(options.config, io.cwd, io.env);
  for (const warning of config.warnings) warn(warning);
  const chosen = options.folder ?? nonEmpty(io.env.ND_PLUGINS_FOLDER);
  const folder = chosen === undefined ? config.folder : resolve(io.cwd, chosen);
  await checkPluginsFolder(folder);
  return { io, config, folder, json: options.json ?? false };
}

/** A plugins folder that does not exist yet is fine (commands that write create it); a file is not. */
async function checkPluginsFolder(folder: string): Promise<void> {
  const info = await stat(folder).catch(() => undefined);
  if (info && !info.isDirectory()) throw new CliError("path", `plugins folder ${folder} is a file; give a folder with --folder or ND_PLUGINS_FOLDER`);
}

/** An environment variable's value, unless it is unset or empty. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
