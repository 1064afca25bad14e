import { randomBytes } from "node:crypto";
import { copyFile, link, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { failure } from "./errors.js";

/**
 * Puts a generation-2 package into the plugins folder as `target` (read in place there):
 * copied next to it first, then renamed into place, so a host never sees half a file.
 * Without `replace`, an existing target is refused (and kept).
 */
export async function placePackageFile(source: string, target: string, replace: boolean): Promise<void> {
  const staging = join(dirname(target), `.${basename(target)}.tmp-${randomBytes(6).toString("hex")}`);
  await copyFile(source, staging);
  try {
    if (replace) await rename(staging, target);
    // link() refuses an existing target atomically, where a check before rename() would race.
    else await link(staging, target).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EEXIST") throw failure(`${target} already exists`);
      throw error;
    });
  } finally {
    await rm(staging, { force: true });
  }
}
