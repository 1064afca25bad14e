import { resolve } from "node:path";
import { validatePluginConfig } from "@nd/manifest";
import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import type { CommandContext } from "../context.js";
import { failure } from "../errors.js";
import { writeJson, writeLine, type CliIo } from "../io.js";
import { checkPathArgument } from "../path-arguments.js";
import { pluginProblems, readPluginFolder, readPluginPackage, type PluginFiles } from "../plugin-files.js";
import { filesOfInstalled, findInstalled } from "../plugins-folder.js";
import { targetKind } from "../plugin-target.js";

/** What `nd plugin validate` found. */
interface Validation {
  name: string;
  generation: 1 | 2;
  valid: boolean;
  problems: string[];
}

export function validateCommand(io: CliIo): Command {
  return defineCommand({
    name: "validate",
    summary: "check a plugin as the host would load it: manifest, module links, permission rules, and for an installed generation-2 plugin its [PluginConfig.<id>] against its config form",
    example: "nd plugin validate my-plugin.ndp",
    json: true,
  })
    .argument("<name-or-file>", "an installed plugin's name (generation 2: its ID), a .ndp file, or a plugin folder")
    .action(async (target: string, _options, command: Command) => {
      const context = await contextOf(io, command);
      const validation = await validate(context, target);
      if (context.json) writeJson(io.stdout, validation);
      else {
        writeLine(io.stdout, `${validation.name} (generation ${validation.generation}): ${validation.valid ? "valid" : "invalid"}`);
        for (const problem of validation.problems) writeLine(io.stdout, `  ${problem}`);
      }
      if (!validation.valid) throw failure(`${validation.name} would not load as it is (${validation.problems.length} problem${validation.problems.length === 1 ? "" : "s"})`);
    });
}

async function validate(context: CommandContext, target: string): Promise<Validation> {
  const path = resolve(context.io.cwd, target);
  const kind = await targetKind(path, target);
  if (kind === "package") await checkPathArgument(path, "file", "package");
  if (kind !== "name") {
    const files = kind === "package" ? await readPluginPackage(path) : await readPluginFolder(path);
    return result(files.manifest.name, files, await pluginProblems(files));
  }
  const plugin = await findInstalled(context.folder, target);
  if (plugin.manifestProblem) throw failure(`${plugin.path}: ${plugin.manifestProblem}`);
  const files = await filesOfInstalled(plugin);
  const problems = await pluginProblems(files);
  if (files.generation === 2) {
    const values = context.config.pluginConfigValues[plugin.name] ?? {};
    for (const problem of validatePluginConfig(files.manifest.config, { ...values })) {
      problems.push(`[PluginConfig.${plugin.name}]${problem.path}: ${problem.message}`);
    }
  }
  return result(plugin.name, files, problems);
}

function result(name: string, files: PluginFiles, problems: string[]): Validation {
  return { name, generation: files.generation, valid: problems.length === 0, problems };
}
