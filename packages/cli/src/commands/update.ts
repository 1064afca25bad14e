import { resolve } from "node:path";
import { extractNdp } from "@nd/ndp";
import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import { failure } from "../errors.js";
import { writeLine, type CliIo } from "../io.js";
import { verifiedPackage } from "../package-check.js";
import { listInstalled } from "../plugins-folder.js";
import { progress } from "../progress.js";

export function updateCommand(io: CliIo): Command {
  return defineCommand({
    name: "update",
    summary: "replace an installed plugin with a .ndp package; on any failure the old version stays",
    example: "nd plugin update ./my-plugin-1.1.0.ndp",
  })
    .argument("<file>", "the .ndp package")
    .action(async (file: string, _options, command: Command) => {
      const context = await contextOf(io, command);
      const status = progress(io.stderr);
      try {
        status.step("verifying");
        const path = resolve(io.cwd, file);
        const { name, version } = (await verifiedPackage(path)).manifest;
        const installed = (await listInstalled(context.folder)).find((plugin) => plugin.name === name);
        if (!installed) throw failure(`plugin "${name}" is not installed in ${context.folder}; use nd plugin install ${file}`);
        status.step("replacing");
        // extractNdp verifies again, stages next to the target and swaps only when complete.
        await extractNdp(path, installed.path, { replace: true });
        status.done();
        const from = installed.manifest ? ` (was ${installed.manifest.version})` : "";
        writeLine(io.stdout, `updated ${name} to ${version}${from}`);
      } finally {
        status.done();
      }
    });
}
