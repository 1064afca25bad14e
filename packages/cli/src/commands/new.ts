import { createRequire } from "node:module";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { Option, type Command } from "commander";
import { defineCommand } from "../command-kit.js";
import { failure } from "../errors.js";
import { writeLine, type CliIo } from "../io.js";
import { checkPluginName } from "../plugins-folder.js";
import { assemblyScriptTemplate, goTemplate, type TemplateFile } from "../scaffold/templates.js";

export function newCommand(io: CliIo): Command {
  return defineCommand({
    name: "new",
    summary: "scaffold a plugin (a MetadataAgent answering GetArtistBiography) in AssemblyScript or Go",
    example: "nd plugin new my-plugin --lang as ./my-plugin",
  })
    .argument("<name>", "the plugin's name (its manifest name)")
    .argument("[folder]", "where to create it (default ./<name>); must not exist or be empty")
    .addOption(new Option("--lang <language>", "as (AssemblyScript) or go").choices(["as", "go"]).makeOptionMandatory())
    .action(async (name: string, folder: string | undefined, options: { lang: "as" | "go" }) => {
      checkPluginName(name);
      const target = resolve(io.cwd, folder ?? name);
      await ensureEmpty(target);
      const protocolVersion = `^${protocolPackageVersion()}`;
      const files =
        options.lang === "as"
          ? assemblyScriptTemplate({ name, protocolVersion })
          : goTemplate({ name, protocolVersion, goSdkPath: goSdkPath(target) });
      await writeFiles(target, files);
      writeLine(io.stdout, `created ${name} (${options.lang === "as" ? "AssemblyScript" : "Go"}) in ${target}; see its README.md to build and try it`);
    });
}

/** The @nd/protocol version this nd was built with: what a new plugin depends on. */
function protocolPackageVersion(): string {
  return (createRequire(import.meta.url)("@nd/protocol/package.json") as { version: string }).version;
}

async function ensureEmpty(folder: string): Promise<void> {
  const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
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

/** The nd repository's Go SDK, relative to the new plugin, when this nd runs from a checkout. */
/** The Go SDK shipped in @nd/protocol, as a path relative to the new plugin (for go.mod's replace). */
function goSdkPath(target: string): string {
  const protocolDir = dirname(createRequire(import.meta.url).resolve("@nd/protocol/package.json"));
  return relative(target, join(protocolDir, "go")) || ".";
}
