import { join, resolve } from "node:path";
import { extractNdp } from "@nd/ndp";
import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import { failure } from "../errors.js";
import { writeLine, type CliIo } from "../io.js";
import { verifiedPackage } from "../package-check.js";
import { ensurePluginsFolder, listInstalled } from "../plugins-folder.js";
import { progress } from "../progress.js";

export function installCommand(io: CliIo): Command {
  return defineCommand({
    name: "install",
    summary: "verify a .ndp package and install it as <folder>/<name>",
    example: "nd plugin install ./my-plugin-1.0.0.ndp",
  })
    .argument("<file>", "the .ndp package")
    .action(async (file: string, _options, command: Command) => {
      const context = await contextOf(io, command);
      const status = progress(io.stderr);
      try {
        status.step("verifying");
        const path = resolve(io.cwd, file);
        const { name, version } = (await verifiedPackage(path)).manifest;
        const taken = (await listInstalled(context.folder)).find((plugin) => plugin.name === name);
        if (taken) throw failure(`plugin "${name}" is already installed in ${taken.path}; use nd plugin update ${file}`);
        status.step("installing");
        await ensurePluginsFolder(context.folder);
        await extractNdp(path, join(context.folder, name));
        status.done();
        writeLine(io.stdout, `installed ${name} ${version} in ${join(context.folder, name)}`);
      } finally {
        status.done();
      }
    });
}
