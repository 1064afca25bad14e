import { resolve } from "node:path";
import type { Command } from "commander";
import { contextOf, defineCommand } from "../command-kit.js";
import type { CommandContext } from "../context.js";
import { writeLine, type CliIo } from "../io.js";
import { verifiedPackage } from "../package-check.js";
import { checkPathArgument } from "../path-arguments.js";
import { listInstalled, type InstalledPlugin } from "../plugins-folder.js";
import { progress, type Progress } from "../progress.js";

/** What a command that takes a .ndp package knows once the package is verified. */
export interface VerifiedPackage {
  readonly context: CommandContext;
  /** The package file, absolute. */
  readonly path: string;
  /** Generation 1: the manifest name; generation 2: the plugin ID. */
  readonly name: string;
  readonly version: string;
  readonly generation: 1 | 2;
  /** The installed plugin of the same name, if any. */
  readonly installed?: InstalledPlugin;
  readonly status: Progress;
}

/**
 * A command taking one .ndp file: verifies the package, finds the installed plugin of the same
 * name, then runs `apply`, which answers the line to print.
 */
export function packageCommand(
  io: CliIo,
  spec: { name: string; summary: string; example: string },
  apply: (pkg: VerifiedPackage, file: string) => Promise<string>,
): Command {
  return defineCommand(spec)
    .argument("<file>", "the .ndp package")
    .option("--id <id>", "generation 2: the plugin ID (default: the file name without .ndp and a -<version> suffix)")
    .action(async (file: string, options: { id?: string }, command: Command) => {
      const context = await contextOf(io, command);
      const status = progress(io.stderr);
      try {
        status.step("verifying");
        const path = resolve(io.cwd, file);
        await checkPathArgument(path, "file", "package");
        const checked = await verifiedPackage(path, options.id);
        const { name, generation } = checked;
        const installed = (await listInstalled(context.folder)).find((plugin) => plugin.name === name);
        const line = await apply({ context, path, name, version: checked.manifest.version, generation, installed, status }, file);
        status.done();
        writeLine(io.stdout, line);
      } finally {
        status.done();
      }
    });
}
