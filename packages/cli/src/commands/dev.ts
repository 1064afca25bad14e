import { lstat, realpath, symlink } from "node:fs/promises";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import { failure } from "../errors.js";
import { writeLine, type CliIo } from "../io.js";
import { pluginFolderName } from "@nd/manifest";
import { checkPathArgument } from "../path-arguments.js";
import { requestRefresh } from "../refresh-marker.js";
import { pluginProblems, readPluginFolder } from "../plugin-files.js";
import { ensurePluginsFolder } from "../plugins-folder.js";

export function devCommand(io: CliIo): Command {
  return defineCommand({
    name: "dev",
    summary: "validate a plugin folder (manifest.json + plugin.wasm) and link it into the plugins folder",
    example: "nd plugin dev ./my-plugin",
  })
    .argument("<folder>", "the plugin's folder")
    .action(async (folder: string, _options, command: Command) => {
      const context = await contextOf(io, command);
      await checkPathArgument(resolve(io.cwd, folder), "folder", "plugin folder");
      const source = await realpath(resolve(io.cwd, folder));
      const files = await readPluginFolder(source);
      const problems = await pluginProblems(files);
      if (problems.length > 0) throw failure(`${source}: plugin "${files.manifest.name}" would not load: ${problems.join("; ")}`);
      await refuseFolderInside(context.folder, source);
      await ensurePluginsFolder(context.folder);
      // Generation 2's ID is the link's name: the plugin folder's own name.
      const name = files.generation === 2 ? basename(source) : files.manifest.name;
      const link = join(context.folder, pluginFolderName(name));
      if (await alreadyLinked(link, source)) {
        // A re-link after a rebuild: a running nd serve reloads the plugin in place, keeping its cache.
        await requestRefresh(context.folder, name);
        writeLine(io.stdout, `${link} already links to ${source}; a running nd serve on ${context.folder} reloads it`);
        return;
      }
      await symlink(source, link, "dir").catch((error: NodeJS.ErrnoException) => {
        if (error.code === "EEXIST") throw failure(`${link} already exists; remove it first (nd plugin remove ${JSON.stringify(name)})`);
        throw error;
      });
      writeLine(io.stdout, `linked ${link} -> ${source}`);
    });
}

/** Run inside the plugin folder with a relative plugins folder, dev would link the folder into itself. */
async function refuseFolderInside(pluginsFolder: string, source: string): Promise<void> {
  const real = await realpath(pluginsFolder).catch(() => resolve(pluginsFolder));
  const fromSource = relative(source, real);
  if (fromSource === "" || (!fromSource.startsWith("..") && !isAbsolute(fromSource))) {
    throw failure(`the plugins folder ${real} is inside the plugin folder ${source}; choose another with --folder or ND_PLUGINS_FOLDER`);
  }
}

async function alreadyLinked(link: string, source: string): Promise<boolean> {
  const info = await lstat(link).catch(() => undefined);
  return info?.isSymbolicLink() === true && (await realpath(link).catch(() => "")) === source;
}
