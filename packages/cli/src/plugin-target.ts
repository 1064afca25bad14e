import { stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { MANIFEST_FILE } from "./plugin-files.js";

/**
 * What a command argument names: a .ndp file, a plugin folder (holding manifest.json, or any
 * folder written as a path), or else the name of an installed plugin.
 */
export async function targetKind(path: string, target: string): Promise<"package" | "folder" | "name"> {
  if (path.endsWith(".ndp")) return "package";
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile()) return "package";
  if (!info?.isDirectory()) return "name";
  const writtenAsPath = target.includes("/") || target.includes(sep);
  return writtenAsPath || (await stat(join(path, MANIFEST_FILE)).catch(() => undefined))?.isFile() ? "folder" : "name";
}
