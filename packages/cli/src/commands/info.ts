import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { readAnyNdp } from "@nd/ndp";
import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import { failure } from "../errors.js";
import { writeJson, writeLine, type CliIo } from "../io.js";
import { capabilitiesOf, pluginProblems, readPluginFolder, type PluginFiles } from "../plugin-files.js";
import { findInstalled } from "../plugins-folder.js";
import { targetKind } from "../plugin-target.js";
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
            ? await folderDetails(target, path)
            : await installedDetails(await installedWithManifest(context.folder, target));
      if (context.json) writeJson(io.stdout, details);
      else printDetails(io, details, kind === "package" ? "package size" : "files size");
    });
}

async function installedWithManifest(folder: string, name: string) {
  const plugin = await findInstalled(folder, name);
  if (!plugin.manifest) throw failure(`${plugin.path}: ${plugin.manifestProblem}`);
  return plugin;
}

async function folderDetails(target: string, path: string): Promise<PluginDetails> {
  const files = await readPluginFolder(path);
  const base = { name: target, path, isDevLink: false };
  return installedDetails(files.generation === 2 ? { ...base, generation: 2, manifest: files.manifest } : { ...base, generation: 1, manifest: files.manifest });
}

async function packageDetails(file: string): Promise<PluginDetails> {
  await checkPathArgument(file, "file", "package");
  const ndp = await readAnyNdp(file);
  const files: PluginFiles = ndp.generation === 2 ? { generation: 2, manifest: ndp.manifest, wasm: ndp.wasm } : { generation: 1, manifest: ndp.manifest, wasm: ndp.wasm };
  return {
    source: file,
    generation: ndp.generation,
    manifest: ndp.manifest,
    capabilities: capabilitiesOf(files),
    permissions: permissionsOf(ndp.manifest),
    files: ndp.files,
    size: (await stat(file)).size,
    wasmSha256: ndp.wasmSha256,
    dev: false,
    problems: await pluginProblems(files),
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
  for (const host of permission.requiredHosts ?? []) writeLine(io.stdout, `    host: ${host}`);
}

/** `sizeLabel` says what the size is of: the .ndp file, or a folder's plugin files together. */
function printDetails(io: CliIo, details: PluginDetails, sizeLabel: string): void {
  const { manifest } = details;
  const line = (label: string, value: string) => writeLine(io.stdout, `${label.padEnd(13)}${value}`.trimEnd());
  line("name", `${manifest.name} ${manifest.version}${details.dev ? " (dev link)" : ""}`);
  line("generation", details.generation === 2 ? "2 (Extism, JSON; Navidrome v0.60+)" : "1 (protobuf; Navidrome v0.57)");
  line("author", manifest.author);
  line("description", manifest.description ?? "");
  if (manifest.website) line("website", manifest.website);
  line("source", details.source);
  line("capabilities", details.capabilities.join(", ") || "none");
  line("permissions", details.permissions.length === 0 ? "none" : "");
  for (const permission of details.permissions) printPermission(io, permission);
  line("files", "");
  for (const file of details.files) writeLine(io.stdout, `  ${file.name.padEnd(14)} ${file.size} bytes`);
  line(sizeLabel, `${details.size} bytes`);
  line("wasm sha256", `${details.wasmSha256} (plugin.wasm)`);
  if ("config" in manifest && manifest.config) line("config form", Object.keys((manifest.config.schema.properties ?? {}) as object).join(", ") || "(no fields)");
  line("problems", details.problems.length === 0 ? "none" : "");
  for (const problem of details.problems) writeLine(io.stdout, `  ${problem}`);
}
