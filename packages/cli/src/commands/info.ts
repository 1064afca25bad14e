import { stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { readNdp } from "@nd/ndp";
import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import { failure } from "../errors.js";
import { writeJson, writeLine, type CliIo } from "../io.js";
import { checkPluginModule } from "@nd/runtime";
import { findInstalled, MANIFEST_FILE, readManifestFile } from "../plugins-folder.js";
import { checkPathArgument } from "../path-arguments.js";
import { installedDetails, permissionsOf, type PermissionDetails, type PluginDetails } from "../summaries.js";

export function infoCommand(io: CliIo): Command {
  return defineCommand({
    name: "info",
    summary: "show a plugin's manifest, permissions with reasons, files, size, sha256 and problems",
    example: "nd plugin info my-plugin.ndp --json",
    json: true,
  })
    .argument("<name-or-file>", "an installed plugin's name, a .ndp file, or a plugin folder")
    .action(async (target: string, _options, command: Command) => {
      const context = await contextOf(io, command);
      const path = resolve(io.cwd, target);
      const kind = await targetKind(path, target);
      const details =
        kind === "package"
          ? await packageDetails(path)
          : kind === "folder"
            ? await installedDetails({ name: target, path, isDevLink: false, manifest: await readManifestFile(path) })
            : await installedDetails(await installedWithManifest(context.folder, target));
      if (context.json) writeJson(io.stdout, details);
      else printDetails(io, details, kind === "package" ? "package size" : "files size");
    });
}

/**
 * A .ndp file, a plugin folder (holding manifest.json, or any folder written as a path), or
 * else the name of an installed plugin.
 */
async function targetKind(path: string, target: string): Promise<"package" | "folder" | "name"> {
  if (path.endsWith(".ndp")) return "package";
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile()) return "package";
  if (!info?.isDirectory()) return "name";
  const writtenAsPath = target.includes("/") || target.includes(sep);
  return writtenAsPath || (await stat(join(path, MANIFEST_FILE)).catch(() => undefined))?.isFile() ? "folder" : "name";
}

async function installedWithManifest(folder: string, name: string) {
  const plugin = await findInstalled(folder, name);
  if (!plugin.manifest) throw failure(`${plugin.path}: ${plugin.manifestProblem}`);
  return plugin;
}

async function packageDetails(file: string): Promise<PluginDetails> {
  await checkPathArgument(file, "file", "package");
  const ndp = await readNdp(file);
  return {
    source: file,
    manifest: ndp.manifest,
    permissions: permissionsOf(ndp.manifest),
    files: ndp.files,
    size: (await stat(file)).size,
    wasmSha256: ndp.wasmSha256,
    dev: false,
    problems: await checkPluginModule(ndp.wasm, ndp.manifest),
  };
}

function printPermission(io: CliIo, permission: PermissionDetails): void {
  writeLine(io.stdout, `  ${permission.name}${permission.reason ? `: ${permission.reason}` : ""}`);
  const urls = permission.allowedUrls;
  if (Array.isArray(urls)) for (const url of urls) writeLine(io.stdout, `    allowed: ${url}`);
  else if (urls) for (const [url, methods] of Object.entries(urls)) writeLine(io.stdout, `    allowed: ${url} ${methods.join(",")}`);
  if (permission.allowLocalNetwork) writeLine(io.stdout, "    local network: allowed");
  if (permission.allowedUsernames) writeLine(io.stdout, `    users: ${permission.allowedUsernames.join(", ") || "none"}`);
  if (permission.allowAdmins) writeLine(io.stdout, "    admin users: allowed");
}

/** `sizeLabel` says what the size is of: the .ndp file, or a folder's plugin files together. */
function printDetails(io: CliIo, details: PluginDetails, sizeLabel: string): void {
  const { manifest } = details;
  const line = (label: string, value: string) => writeLine(io.stdout, `${label.padEnd(13)}${value}`.trimEnd());
  line("name", `${manifest.name} ${manifest.version}${details.dev ? " (dev link)" : ""}`);
  line("author", manifest.author);
  line("description", manifest.description);
  if (manifest.website) line("website", manifest.website);
  line("source", details.source);
  line("capabilities", manifest.capabilities.join(", "));
  line("permissions", details.permissions.length === 0 ? "none" : "");
  for (const permission of details.permissions) printPermission(io, permission);
  line("files", "");
  for (const file of details.files) writeLine(io.stdout, `  ${file.name.padEnd(14)} ${file.size} bytes`);
  line(sizeLabel, `${details.size} bytes`);
  line("wasm sha256", `${details.wasmSha256} (plugin.wasm)`);
  line("problems", details.problems.length === 0 ? "none" : "");
  for (const problem of details.problems) writeLine(io.stdout, `  ${problem}`);
}
