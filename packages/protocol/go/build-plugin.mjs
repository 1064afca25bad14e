#!/usr/bin/env node
// Builds the Go plugin in the current directory to plugin.wasm (or --out <file>):
// with TinyGo when `tinygo` is on PATH, otherwise with Go >= 1.24.
// ND_GO_COMPILER=go or =tinygo forces one of them.
// --if-available: without a Go compiler, print one line saying what was skipped and exit 0,
// so a workspace build goes on without this plugin.
// Anything after `--` is a command run in the plugin folder once the build succeeded.
import { spawnSync } from "node:child_process";
import { basename, dirname, resolve } from "node:path";

const USAGE = "usage: build-plugin.mjs [--dir <plugin dir>] [--out <file.wasm>] [--if-available] [-- <command run after the build>]";

class GoBuildError extends Error {
  constructor(message) {
    super(message);
    this.name = "GoBuildError";
    this.kind = "go-build";
  }
}

class CompilerMissing extends GoBuildError {
  constructor(message) {
    super(message);
    this.kind = "compiler-missing";
  }
}

function parseArgs(argv) {
  const options = { out: "plugin.wasm", dir: process.cwd(), ifAvailable: false, then: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if ((arg === "--out" || arg === "--dir") && argv[i + 1]) options[arg.slice(2)] = argv[++i];
    else if (arg === "--if-available") options.ifAvailable = true;
    else if (arg === "--") {
      options.then = argv.slice(i + 1);
      break;
    } else throw new GoBuildError(`unknown argument ${JSON.stringify(arg)}; ${USAGE}`);
  }
  const dir = resolve(options.dir);
  return { ...options, dir, out: resolve(dir, options.out) };
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
    const missing = forced ? `${compiler} is not on PATH` : "neither tinygo nor go is on PATH";
    throw new CompilerMissing(`${missing} (Go plugins build with TinyGo or with Go 1.24 or newer)`);
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

function run(command, args, cwd, env = {}) {
  const result = spawnSync(command, args, { cwd, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.error) throw new GoBuildError(`cannot run ${command}: ${result.error.message}`);
  return result.status;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  let compiler;
  try {
    compiler = pickCompiler();
  } catch (error) {
    if (!(error instanceof CompilerMissing) || !options.ifAvailable) throw error;
    const where = `${basename(dirname(options.dir))}/${basename(options.dir)}`;
    console.log(`build-plugin: skipped ${where}: ${error.message}; the rest builds without it`);
    return;
  }
  const { args, env } = buildCommand(compiler, options.out);
  console.log(`${compiler} ${args.join(" ")}`);
  const status = run(compiler, args, options.dir, env);
  if (status !== 0) throw new GoBuildError(`${compiler} build of ${options.dir} failed (exit ${status})`);
  if (options.then.length === 0) return;
  const [command, ...rest] = options.then;
  const thenStatus = run(command, rest, options.dir);
  if (thenStatus !== 0) throw new GoBuildError(`${options.then.join(" ")} failed after the build (exit ${thenStatus})`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof GoBuildError)) throw error;
  console.error(`build-plugin: ${error.message}`);
  process.exit(1);
}
