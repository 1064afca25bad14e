#!/usr/bin/env node
import { runCli } from "./cli.js";

// A reader that stops early (`nd plugin list | head`) is not an error of nd's.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
