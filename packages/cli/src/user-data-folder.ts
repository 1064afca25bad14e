import { homedir } from "node:os";
import { join } from "node:path";

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * nd's per-user data folder, the same wherever a command runs: `$XDG_DATA_HOME/nd`
 * (default `~/.local/share/nd`), on macOS `~/Library/Application Support/nd`, on Windows
 * `%LOCALAPPDATA%\nd`. Plugins live in its `plugins` folder unless a config file or
 * `--folder` says otherwise.
 */
export function userDataFolder(env: Environment, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || homedir();
  if (platform === "win32") return join(env.LOCALAPPDATA || join(home, "AppData", "Local"), "nd");
  if (platform === "darwin") return join(home, "Library", "Application Support", "nd");
  return join(env.XDG_DATA_HOME || join(home, ".local", "share"), "nd");
}
