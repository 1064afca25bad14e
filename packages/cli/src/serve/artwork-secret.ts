import { randomBytes } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CliError } from "../errors.js";

/** Where `nd serve` keeps the key of artwork URLs when the config has no ArtworkSecret. */
export const ARTWORK_SECRET_FILE = "artwork-secret";

/**
 * The artwork signing key kept in the data folder: read when it exists, else generated
 * (32 random bytes, hex) and written readable by the owner only, so URLs handed out
 * stay valid across restarts.
 */
export async function keptArtworkSecret(dataFolder: string): Promise<string> {
  const file = join(dataFolder, ARTWORK_SECRET_FILE);
  await mkdir(dataFolder, { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  if (((await stat(file)).mode & 0o077) !== 0) {
    throw new CliError("config", `${file} holds the artwork signing key and must be readable by its owner only: chmod 600 ${file}`);
  }
  const secret = (await readFile(file, "utf8")).trim();
  if (secret.length < 32) throw new CliError("config", `${file} must hold at least 32 characters; delete it to have a new one generated`);
  return secret;
}
