import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * `nd plugin refresh` tells a running `nd serve` on the same folder to reload a plugin by
 * writing `<folder>/.nd-refresh/<name>`; the dot keeps the host from taking it for a plugin.
 */
export const REFRESH_FOLDER = ".nd-refresh";

/** `entry` is the plugin's entry in the plugins folder (its folder or link name). */
export async function requestRefresh(pluginsFolder: string, entry: string): Promise<void> {
  const folder = join(pluginsFolder, REFRESH_FOLDER);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await writeFile(join(folder, entry), `${new Date().toISOString()}\n`, { mode: 0o600 });
}
