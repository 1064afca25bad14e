import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pluginFolderName, validateManifest } from "@nd/manifest";
import { Option, type Command } from "commander";
import { defineCommand } from "../command-kit.js";
import { CliError, failure, usageError } from "../errors.js";
import { writeLine, type CliIo } from "../io.js";
import { pathProblem } from "../path-arguments.js";
import { protocolSourceFor } from "../scaffold/protocol-source.js";
import { assemblyScriptTemplate, goTemplate, scaffoldManifest, type TemplateFile } from "../scaffold/templates.js";

const LANGUAGES = { as: "AssemblyScript", go: "Go" } as const;

export function newCommand(io: CliIo): Command {
  return defineCommand({
    name: "new",
    summary: "scaffold a plugin (a MetadataAgent answering GetArtistBiography) in AssemblyScript or Go",
    example: "nd plugin new my-plugin --lang as ./my-plugin",
    pluginsFolder: false,
  })
    .argument("<name>", "the plugin's name (its manifest name)")
    .argument("[folder]", "where to create it (default ./<safe folder name of the name>); must not exist or be empty")
    // Checked in the action rather than made mandatory, so a missing name is reported first.
    .addOption(new Option("--lang <language>", "as (AssemblyScript) or go (required)").choices(["as", "go"]))
    .action(async (name: string, folder: string | undefined, options: { lang?: keyof typeof LANGUAGES }) => {
      if (options.lang === undefined) throw usageError(`--lang is required: nd plugin new ${name} --lang as (AssemblyScript) or --lang go`);
      const language = LANGUAGES[options.lang];
      checkManifestName(name, language);
      const target = resolve(io.cwd, folder ?? pluginFolderName(name));
      await ensureEmpty(target);
      const template = options.lang === "as" ? assemblyScriptTemplate : goTemplate;
      await writeFiles(target, template({ name, protocol: protocolSourceFor(target) }));
      writeLine(io.stdout, `created ${name} (${language}) in ${target}; see its README.md to build and try it`);
    });
}

/** The name is checked by the manifest's own rule, before anything is written. */
function checkManifestName(name: string, language: string): void {
  const result = validateManifest(scaffoldManifest(name, language));
  if (result.ok) return;
  const reasons = result.problems.map((problem) => problem.message).join("; ");
  throw failure(`plugin name ${JSON.stringify(name)} is not a valid manifest name: ${reasons}`);
}

async function ensureEmpty(folder: string): Promise<void> {
  const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    if (error.code === "ENOTDIR") throw new CliError("path", `${folder} is a file; give a new or empty folder`);
    throw pathProblem(folder, "folder", error);
  });
  if (entries.length > 0) throw failure(`${folder} is not empty; choose a new folder`);
}

async function writeFiles(folder: string, files: TemplateFile[]): Promise<void> {
  for (const file of files) {
    const path = join(folder, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text, { flag: "wx" });
  }
}
