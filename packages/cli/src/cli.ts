import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { callCommand } from "./commands/call.js";
import { devCommand } from "./commands/dev.js";
import { infoCommand } from "./commands/info.js";
import { installCommand } from "./commands/install.js";
import { listCommand } from "./commands/list.js";
import { newCommand } from "./commands/new.js";
import { packCommand } from "./commands/pack.js";
import { refreshCommand } from "./commands/refresh.js";
import { removeCommand } from "./commands/remove.js";
import { serveCommand } from "./commands/serve.js";
import { updateCommand } from "./commands/update.js";
import { validateCommand } from "./commands/validate.js";
import { CliError } from "./errors.js";
import { writeLine, type CliIo } from "./io.js";

// package.json is beside src/ and dist/ alike.
const { version } = createRequire(import.meta.url)("../package.json") as { version: string };

/** Streams and environment for `runCli`; anything left out is taken from the process. */
export type RunCliOptions = Partial<CliIo>;

/**
 * Runs the `nd` command with `argv` (without the node and script paths) and resolves with
 * its exit code: 0 on success, 1 on failure (one line on stderr), 2 on wrong usage.
 */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<number> {
  const io: CliIo = {
    stdin: options.stdin ?? process.stdin,
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    waitForStop: options.waitForStop ?? processStopSignal,
  };
  try {
    await program(io).parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    return report(io, error);
  }
}

function program(io: CliIo): Command {
  const nd = new Command("nd")
    .description("Install, develop, inspect and run nd WebAssembly plugins")
    .version(version, "--version", "print the version of nd")
    .exitOverride()
    .configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) })
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", "\nExample:\n  nd plugin list --folder ./data/plugins\n  nd serve --demo    # inside a checkout of the nd repository\n");
  const plugin = nd.command("plugin").description("manage plugins").addHelpText("after", "\nExample:\n  nd plugin install ./my-plugin.ndp\n");
  const commands = [listCommand, infoCommand, validateCommand, installCommand, updateCommand, removeCommand, devCommand, refreshCommand, packCommand, newCommand, callCommand];
  for (const make of commands) plugin.addCommand(inherit(make(io), nd));
  nd.addCommand(inherit(serveCommand(io), nd));
  return nd;
}

/** addCommand does not copy the parent's settings, so exit and output handling are set again. */
function inherit(command: Command, parent: Command): Command {
  return command.copyInheritedSettings(parent);
}

/** Usage errors exit 2; anything else, from nd or from the packages it uses, is one line and exit 1. */
function report(io: CliIo, error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException)?.code;
  const suffix = code && !message.includes(code) ? ` (${code})` : "";
  writeLine(io.stderr, `nd: ${oneLine(message)}${suffix}`);
  return error instanceof CliError ? error.exitCode : 1;
}

/** Multi-line messages (a manifest's list of problems) are joined so the reason stays one line. */
function oneLine(message: string): string {
  const [first = "", ...rest] = message.split("\n").map((part) => part.trim().replace(/^- /, "")).filter(Boolean);
  if (rest.length === 0) return first;
  return first.endsWith(":") ? `${first} ${rest.join("; ")}` : [first, ...rest].join("; ");
}

/**
 * Resolves at the first SIGINT or SIGTERM. Later ones are taken too and change nothing: the
 * shutdown is bounded, and a runner such as pnpm passes on the Ctrl-C its process group already
 * got, which would otherwise kill nd halfway and turn a clean stop into a failure.
 */
function processStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => resolve();
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
