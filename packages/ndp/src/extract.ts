import { randomBytes } from "node:crypto";
import { lstat, mkdtemp, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { NdpError } from "./errors.js";
import type { NdpLimits } from "./limits.js";
import { loadNdp, type AnyNdpPackage } from "./read.js";
import type { PackageContents } from "./zip-reader.js";

export interface ExtractOptions extends NdpLimits {
  /** Replace an existing target (folder or link). Default false: an existing target is refused. */
  replace?: boolean;
}

/**
 * Verifies a package fully, then writes its files into a temporary folder next to
 * `targetDir` and renames it into place. On failure nothing new is left behind and a
 * replaced target is still there, unchanged.
 */
export async function extractNdp(
  file: string | Uint8Array,
  targetDir: string,
  options: ExtractOptions = {},
): Promise<AnyNdpPackage> {
  const { replace = false, ...limits } = options;
  const { ndp, contents } = await loadNdp(file, limits);
  const target = resolve(targetDir);
  const existing = await exists(target);
  if (existing && !replace) {
    throw new NdpError("target-exists", `${target} already exists; pass { replace: true } to replace it`);
  }
  const staging = await stage(target, contents);
  try {
    await (existing ? swapInto(staging, target) : rename(staging, target));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return ndp;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** Dot-prefixed, so hosts scanning the parent folder for plugins skip it. */
function siblingName(target: string, purpose: "tmp" | "old"): string {
  return join(dirname(target), `.${basename(target)}.ndp-${purpose}-`);
}

async function stage(target: string, contents: PackageContents): Promise<string> {
  const staging = await mkdtemp(siblingName(target, "tmp"));
  try {
    for (const [name, bytes] of contents) await writeNewFile(join(staging, name), bytes);
    return staging;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function writeNewFile(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, "wx", 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Old target aside, new one in, old one deleted; if the new one cannot go in, the old one goes back. */
async function swapInto(staging: string, target: string): Promise<void> {
  const aside = siblingName(target, "old") + randomBytes(6).toString("hex");
  await rename(target, aside);
  try {
    await rename(staging, target);
  } catch (error) {
    await rename(aside, target);
    throw error;
  }
  // The new version is in place; failing to delete the old copy must not report the install as failed.
  // rm does not follow a link, so a replaced development link never touches the linked folder.
  await rm(aside, { recursive: true, force: true }).catch(() => undefined);
}
