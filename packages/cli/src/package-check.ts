import { basename } from "node:path";
import { pluginIdProblem } from "@nd/manifest";
import { failure } from "./errors.js";
import { pluginProblems, readPluginPackage, type PluginFiles } from "./plugin-files.js";
import { PACKAGE_SUFFIX } from "./plugins-folder.js";

/** A package that would load, and the name it is installed under. */
export type CheckedPackage = PluginFiles & {
  /** Generation 1: the manifest name. Generation 2: the plugin ID (see `packageId`). */
  readonly name: string;
};

/** Reads a package of either generation and refuses it unless its module would link. */
export async function verifiedPackage(file: string, id?: string): Promise<CheckedPackage> {
  const files = await readPluginPackage(file);
  const name = files.generation === 2 ? checkedPluginId(id ?? packageId(file, files.manifest.version)) : files.manifest.name;
  const problems = await pluginProblems(files);
  if (problems.length > 0) throw failure(`${file}: plugin "${name}" would not load: ${problems.join("; ")}`);
  return { ...files, name };
}

/**
 * A generation-2 plugin's ID is its file name in the plugins folder, as in Navidrome. Taken from
 * the package's file name, without `.ndp` and without a `-<version>` suffix of its own version
 * (what `nd plugin pack` appends), so an update keeps the ID.
 */
export function packageId(file: string, version: string): string {
  const stem = basename(file).replace(/\.ndp$/i, "");
  const suffix = `-${version}`;
  return stem.endsWith(suffix) && stem.length > suffix.length ? stem.slice(0, -suffix.length) : stem;
}

/** Where a generation-2 package is installed: read in place as `<id>.ndp`. */
export function packageFileName(id: string): string {
  return `${id}${PACKAGE_SUFFIX}`;
}

function checkedPluginId(id: string): string {
  const problem = pluginIdProblem(id);
  if (problem) throw failure(`${problem} (give another with --id)`);
  if (id.startsWith(".")) throw failure(`the plugin ID ${JSON.stringify(id)} starts with "." and would be a hidden file (give another with --id)`);
  return id;
}
