#!/usr/bin/env node
import { enableCompileCache } from "node:module";

// Node keeps the compiled code of nd's modules on disk (NODE_COMPILE_CACHE names the folder,
// NODE_DISABLE_COMPILE_CACHE=1 turns it off), so a later start parses nothing again. It must be
// on before the rest of nd is imported, hence the dynamic import below.
enableCompileCache();
const { runCli } = await import("./cli.js");

// A reader that stops early (`nd plugin list | head`) is not an error of nd's.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
