import type { Logger } from "@nd/runtime";
import { Command } from "commander";
import { FOLDER_OPTION_HELP } from "../command-kit.js";
import { commandContext, nonEmpty } from "../context.js";
import { usageError } from "../errors.js";
import { writeLine, type CliIo } from "../io.js";
import { createLogger, LOG_LEVELS, logLevelOf } from "../logger.js";
import { startDemo } from "../demo/demo.js";
import { DEFAULT_PORT } from "../serve/listen.js";
import { startServer } from "../serve/server.js";

interface ServeOptions {
  folder?: string;
  config?: string;
  host: string;
  port?: string;
  demo?: boolean;
  logLevel?: string;
  quiet?: boolean;
  verbose?: boolean;
}

/** What `starting` resolves to, or undefined when a stop ended start-up (the server closed what it had started). */
async function unlessStopped<T>(signal: AbortSignal, logger: Logger, starting: Promise<T>): Promise<T | undefined> {
  try {
    return await starting;
  } catch (error) {
    if (!signal.aborted) throw error;
    logger.info("stopped during start-up");
    return undefined;
  }
}

export function serveCommand(io: CliIo): Command {
  return new Command("serve")
    .description("run the reference host: load the plugins folder and serve the HTTP API until SIGINT/SIGTERM")
    .option("--folder <dir>", FOLDER_OPTION_HELP)
    .option("--config <file>", "TOML config file ([Plugins], [PluginConfig.<name>])")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--port <number>", `port to listen on; one taken is an error (0: any free port; default ${DEFAULT_PORT}, or the next free one)`)
    .option("--demo", "run on a local demo data folder with the example plugins and local fake upstreams (inside a checkout of the nd repository, whose built examples/ it installs)")
    .option("--log-level <level>", `log lines of this level and above: ${LOG_LEVELS.join(", ")} (default info)`)
    .option("-q, --quiet", "log warnings and errors only")
    .option("-v, --verbose", "log debug lines too (one per request)")
    .addHelpText(
      "after",
      "\nLogs go to stderr: JSON lines when piped, readable lines on a terminal.\nThe bearer token is read from ND_SERVE_TOKEN, else [Serve] Token of the config.\n\nExample:\n  nd serve --config ./nd.toml --port 4538\n  nd serve --demo\n",
    )
    .action(async (options: ServeOptions) => {
      const port = portOf(options.port);
      const logger = createLogger(io.stderr, logLevelOf(options));
      const token = nonEmpty(io.env.ND_SERVE_TOKEN);
      // Listen for the stop signal first: one that arrives while loading still stops cleanly.
      const stopped = io.waitForStop();
      const stop = new AbortController();
      void stopped.then(() => stop.abort(new Error("stopped during start-up")));
      if (options.demo) {
        const demo = await unlessStopped(stop.signal, logger, startDemo({ host: options.host, port, logger, cwd: io.cwd, token, signal: stop.signal }));
        if (!demo) return;
        writeLine(io.stdout, demo.instructions);
        await stopped;
        logger.info("shutting down");
        await demo.close();
        logger.info("stopped");
        return;
      }
      const context = await commandContext(io, options, (warning) => logger.warn(warning));
      const server = await unlessStopped(
        stop.signal,
        logger,
        startServer({ folder: context.folder, config: context.config, host: options.host, port, logger, token: token ?? context.config.serve?.token, signal: stop.signal }),
      );
      if (!server) return;
      // On stdout, where -q leaves it: the logs (stderr) may be filtered, the address is needed.
      writeLine(io.stdout, `nd serve: ${server.url}/ (plugins from ${server.folder}). Press Ctrl-C to stop.`);
      await stopped;
      logger.info("shutting down");
      await server.close();
      logger.info("stopped");
    });
}

/** The port given with --port, or undefined for nd's default. */
function portOf(option: string | undefined): number | undefined {
  if (option === undefined) return undefined;
  const port = Number(option);
  if (!/^\d+$/.test(option) || port > 65535) throw usageError(`--port must be a port number from 0 to 65535, got ${JSON.stringify(option)}`);
  return port;
}
