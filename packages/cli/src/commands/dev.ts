import { lstat, readFile, realpath, symlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import { failure } from "../errors.js";
import { writeLine, type CliIo } from "../io.js";
import { pluginFolderName } from "@nd/manifest";
import { checkPluginModule } from "@nd/runtime";
import { ensurePluginsFolder, readManifestFile, WASM_FILE } from "../plugins-folder.js";

export function devCommand(io: CliIo): Command {
  return defineCommand({
    name: "dev",
    summary: "validate a plugin folder (manifest.json + plugin.wasm) and link it into the plugins folder",
    example: "nd plugin dev ./my-plugin",
  })
    .argument("<folder>", "the plugin's folder")
    .action(async (folder: string, _options, command: Command) => {
      const context = await contextOf(io, command);
      const source = await realpath(resolve(io.cwd, folder)).catch(() => {
        throw failure(`${resolve(io.cwd, folder)} does not exist`);
      });
      const manifest = await readManifestFile(source);
      const wasm = await readFile(join(source, WASM_FILE)).catch(() => {
        throw failure(`${join(source, WASM_FILE)} does not exist; build the plugin first`);
      });
      const problems = await checkPluginModule(wasm, manifest);
      if (problems.length > 0) throw failure(`${source}: plugin "${manifest.name}" would not load: ${problems.join("; ")}`);
      await ensurePluginsFolder(context.folder);
      const link = join(context.folder, pluginFolderName(manifest.name));
      if (await alreadyLinked(link, source)) {
        writeLine(io.stdout, `${link} already links to ${source}`);
        return;
      }
      await symlink(source, link, "dir").catch((error: NodeJS.ErrnoException) => {
        if (error.code === "EEXIST") throw failure(`${link} already exists; remove it first (nd plugin remove ${JSON.stringify(manifest.name)})`);
        throw error;
      });
      writeLine(io.stdout, `linked ${link} -> ${source}`);
    });
}

async function alreadyLinked(link: string, source: string): Promise<boolean> {
  const info = await lstat(link).catch(() => undefined);
  return info?.isSymbolicLink() === true && (await realpath(link).catch(() => "")) === source;
}
