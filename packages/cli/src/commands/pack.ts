import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { pluginFolderName } from "@nd/manifest";
import { writeNdp } from "@nd/ndp";
import type { Command } from "commander";
import { defineCommand } from "../command-kit.js";
import { failure } from "../errors.js";
import { writeJson, writeLine, type CliIo } from "../io.js";
import { checkPathArgument } from "../path-arguments.js";
import { pluginProblems, readPluginFolder } from "../plugin-files.js";
import { progress } from "../progress.js";

export function packCommand(io: CliIo): Command {
  return defineCommand({
    name: "pack",
    summary: "validate a plugin folder and build a .ndp package (default ./<name>-<version>.ndp)",
    example: "nd plugin pack ./my-plugin -o dist/my-plugin.ndp",
    json: true,
    pluginsFolder: false,
  })
    .argument("<folder>", "the plugin's folder (manifest.json, plugin.wasm, optional README.md and LICENSE)")
    .option("-o, --output <file>", "where to write the package")
    .action(async (folder: string, options: { output?: string; json?: boolean }) => {
      const source = resolve(io.cwd, folder);
      const status = progress(io.stderr);
      try {
        status.step("validating");
        await checkPathArgument(source, "folder", "plugin folder");
        const files = await readPluginFolder(source);
        const { manifest } = files;
        const problems = await pluginProblems(files);
        if (problems.length > 0) throw failure(`${source}: plugin "${manifest.name}" would not load: ${problems.join("; ")}`);
        status.step("packing");
        // Generation 2's ID is the file name: the folder's name, which install takes back without the version.
        const stem = files.generation === 2 ? basename(source) : manifest.name;
        const fileName = `${pluginFolderName(stem)}-${pluginFolderName(manifest.version)}.ndp`;
        const output = resolve(io.cwd, options.output ?? fileName);
        if ((await stat(output).catch(() => undefined))?.isDirectory()) {
          throw failure(`--output ${output} is a folder; give a file name such as ${join(output, fileName)}`);
        }
        const bytes = await writeNdp(source, output);
        status.done();
        const result = { file: output, size: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex") };
        if (options.json) writeJson(io.stdout, result);
        else writeLine(io.stdout, `packed ${manifest.name} ${manifest.version} into ${output} (${result.size} bytes)`);
      } finally {
        status.done();
      }
    });
}
