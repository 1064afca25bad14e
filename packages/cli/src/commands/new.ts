import { mkdir, readdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { pluginFolderName, validateManifest, validateManifestV2 } from "@nd/manifest";
import { Option, type Command } from "commander";
import { defineCommand } from "../command-kit.js";
import { CliError, failure, usageError } from "../errors.js";
import { writeLine, type CliIo } from "../io.js";
import { pathProblem } from "../path-arguments.js";
import { protocolSourceFor } from "../scaffold/protocol-source.js";
import { assemblyScriptGen2Template } from "../scaffold/as-gen2-template.js";
import { scaffoldManifestV2 } from "../scaffold/gen2-manifest.js";
import { goGen2Template } from "../scaffold/go-gen2-template.js";
import { assemblyScriptTemplate, goTemplate, packageName, scaffoldManifest, type TemplateFile } from "../scaffold/templates.js";

const LANGUAGES = { as: "AssemblyScript", go: "Go" } as const;

export function newCommand(io: CliIo): Command {
  return defineCommand({
    name: "new",
    summary: "scaffold a plugin (a MetadataAgent answering artist biographies): either generation, in AssemblyScript or Go",
    example: "nd plugin new my-plugin --lang as ./my-plugin\n  nd plugin new my-plugin --gen 2 --lang go\n  nd plugin new my-plugin --gen 2 --lang as",
    pluginsFolder: false,
  })
    .argument("<name>", "the plugin's name (its manifest name)")
    .argument("[folder]", "where to create it (default ./<safe folder name of the name>); must not exist or be empty")
    // Checked in the action rather than made mandatory, so a missing name is reported first.
    .addOption(new Option("--lang <language>", "as (AssemblyScript) or go (required)").choices(["as", "go"]))
    .addOption(new Option("--gen <generation>", "1 (protobuf, Navidrome v0.57) or 2 (Extism and JSON, Navidrome v0.60+)").choices(["1", "2"]).default("1"))
    .action(async (name: string, folder: string | undefined, options: { lang?: keyof typeof LANGUAGES; gen: "1" | "2" }) => {
      if (options.lang === undefined) throw usageError(`--lang is required: nd plugin new ${name} --lang as (AssemblyScript) or --lang go`);
      if (options.gen === "2") return newGen2Plugin(io, name, folder, options.lang);
      const language = LANGUAGES[options.lang];
      checkManifestName(name, language);
      const target = resolve(io.cwd, folder ?? pluginFolderName(name));
      await ensureEmpty(target);
      const template = options.lang === "as" ? assemblyScriptTemplate : goTemplate;
      await writeFiles(target, template({ name, protocol: protocolSourceFor(target) }));
      writeLine(io.stdout, `created ${name} (${language}) in ${target}; see its README.md to build and try it`);
    });
}

async function newGen2Plugin(io: CliIo, name: string, folder: string | undefined, lang: keyof typeof LANGUAGES): Promise<void> {
  const language = LANGUAGES[lang];
  const result = validateManifestV2(scaffoldManifestV2(name, language));
  if (!result.ok) throw failure(`plugin name ${JSON.stringify(name)} is not a valid manifest name: ${result.problems.map((problem) => problem.message).join("; ")}`);
  const target = resolve(io.cwd, folder ?? pluginFolderName(name));
  await ensureEmpty(target);
  const id = basename(target);
  const files = lang === "go"
    ? goGen2Template({ name, id, module: packageName(name) })
    : assemblyScriptGen2Template({ name, id, protocol: protocolSourceFor(target) });
  await writeFiles(target, files);
  writeLine(io.stdout, `created ${name} (${language}, generation 2) in ${target}, plugin ID ${id}; see its README.md to build and try it`);
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
