#!/usr/bin/env node
// Builds the Go plugin in the current directory to plugin.wasm (or --out <file>):
// with TinyGo when `tinygo` is on PATH, otherwise with Go >= 1.24.
// ND_GO_COMPILER=go or =tinygo forces one of them.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

class GoBuildError extends Error {
  constructor(message) {
    super(message);
    this.name = "GoBuildError";
    this.kind = "go-build";
  }
}

function parseArgs(argv) {
  const options = { out: "plugin.wasm", dir: process.cwd() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if ((arg === "--out" || arg === "--dir") && argv[i + 1]) options[arg.slice(2)] = argv[++i];
    else throw new GoBuildError(`unknown argument ${JSON.stringify(arg)}; usage: build-plugin.mjs [--dir <plugin dir>] [--out <file.wasm>]`);
  }
  return { dir: resolve(options.dir), out: resolve(options.dir, options.out) };
}

function isInstalled(command) {
  return spawnSync(command, ["version"], { stdio: "ignore" }).status === 0;
}

function pickCompiler() {
  const forced = process.env.ND_GO_COMPILER;
  if (forced !== undefined && forced !== "go" && forced !== "tinygo") {
    throw new GoBuildError(`ND_GO_COMPILER must be "go" or "tinygo", got ${JSON.stringify(forced)}`);
  }
  const compiler = forced ?? (isInstalled("tinygo") ? "tinygo" : "go");
  if (!isInstalled(compiler)) {
    throw new GoBuildError(`${compiler} is not on PATH: Go plugins build with TinyGo or with Go 1.24 or newer`);
  }
  return compiler;
}

function buildCommand(compiler, out) {
  if (compiler === "tinygo") {
    return { args: ["build", "-target=wasip1", "-buildmode=c-shared", "-o", out, "."], env: {} };
  }
  return {
    args: ["build", "-buildmode=c-shared", "-trimpath", "-buildvcs=false", "-o", out, "."],
    env: { GOOS: "wasip1", GOARCH: "wasm" },
  };
}

function main() {
  const { dir, out } = parseArgs(process.argv.slice(2));
  const compiler = pickCompiler();
  const { args, env } = buildCommand(compiler, out);
  console.log(`${compiler} ${args.join(" ")}`);
  const result = spawnSync(compiler, args, { cwd: dir, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) throw new GoBuildError(`${compiler} build of ${dir} failed (exit ${result.status})`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof GoBuildError)) throw error;
  console.error(`build-plugin: ${error.message}`);
  process.exit(1);
}
