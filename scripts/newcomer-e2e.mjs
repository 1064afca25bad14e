#!/usr/bin/env node
// The newcomer's and plugin author's path, end to end, from a clean copy of this checkout:
// 1. without Go or TinyGo on PATH, the README's first command builds (skipping the Go
//    examples, one line each) and serves the demo;
// 2. without Go, the tests that need it are skipped with one line each and the rest pass,
//    leaving no temporary folder behind: the test command of the packages holding such
//    tests (protocol, runtime, the Go examples; of the CLI only its two files with Go tests,
//    to keep this run short);
// 3. `npm link` in packages/cli puts `nd` on PATH, offline;
// 4. `nd plugin new` scaffolds outside the repository and inside examples/, and each skeleton
//    installs, builds and answers `nd plugin call` exactly as its README says, without a
//    registry for any nd package (the generation-2 Go skeleton takes extism/go-pdk from Go's
//    module proxy or cache).
// Run by `pnpm test`; it removes everything it created.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const checkout = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The README's commands: pnpm on Node 24, whatever `node` is on PATH. */
const PNPM = ["--yes", "-p", "node@24", "-p", "pnpm@10.34.8", "pnpm"];
const GO_TOOLS = ["go", "gofmt", "tinygo"];
const STEP_TIMEOUT_MS = 10 * 60 * 1000;

function step(title) {
  console.log(`newcomer-e2e: ${title}`);
}

function fail(message) {
  throw new Error(`newcomer-e2e: ${message}`);
}

/** Runs a command to completion; its output is shown only when it fails. */
function run(command, args, options) {
  return runPrinting(command, args, options).stdout;
}

/** Runs a command to completion and returns what it printed on stdout and stderr. */
function runPrinting(command, args, options) {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: STEP_TIMEOUT_MS, ...options });
  if (result.status !== 0) {
    fail(`${command} ${args.join(" ")} (in ${options.cwd}) exited ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`);
  }
  return result;
}

/** The files a clone would hold: tracked and new files of this checkout, in a fresh git repository. */
function cleanCopy(target) {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: checkout, encoding: "utf8" })
    .split("\0")
    .filter((file) => file !== "" && existsSync(join(checkout, file)));
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(checkout, file), join(target, file), { verbatimSymlinks: true });
  }
  const git = (...args) => run("git", args, { cwd: target });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.name=nd", "-c", "user.email=nd@localhost", "commit", "-q", "-m", "clean copy");
}

/** PATH with every Go tool hidden: folders holding one are replaced by a copy of links without it. */
function pathWithoutGo(shims) {
  return process.env.PATH.split(delimiter)
    .filter((folder) => folder !== "")
    .map((folder, index) => {
      const entries = existsSync(folder) ? readdirSync(folder) : [];
      if (!entries.some((entry) => GO_TOOLS.includes(entry))) return folder;
      const shim = join(shims, String(index));
      mkdirSync(shim, { recursive: true });
      for (const entry of entries.filter((name) => !GO_TOOLS.includes(name))) symlinkSync(join(folder, entry), join(shim, entry));
      return shim;
    })
    .join(delimiter);
}

/**
 * A newcomer's shell: no CI (pnpm would freeze the lockfile a new example changes), no nd
 * settings, and not the package list and command of the npx that runs this script (`npx
 * -p node@24 -p pnpm@…`), which every npx started below would otherwise read as its own.
 */
function newcomerShell(env) {
  for (const name of ["CI", "ND_GO_COMPILER", "ND_PLUGINS_FOLDER", "ND_REQUIRE_GO", "npm_config_package", "npm_config_call"]) delete env[name];
  return env;
}

/** Starts the README's first command (on a free port) and resolves with the demo's URL and what it printed. */
function startDemo(repo, env) {
  const child = spawn("npx", [...PNPM, "start", "--port", "0"], { cwd: repo, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start within ${STEP_TIMEOUT_MS} ms:\n${output}`)), STEP_TIMEOUT_MS);
    const take = (chunk) => {
      output += chunk;
      const url = /nd demo: .* on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url && output.includes("Press Ctrl-C to stop.")) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}) before serving:\n${output}`));
    });
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", resolve);
      // What Ctrl-C in a terminal does: SIGINT to the whole process group.
      process.kill(-child.pid, "SIGINT");
    });
  return { ready, stop, output: () => output };
}

async function checkDemoWithoutGo(repo, env) {
  step("the README's first command without Go or TinyGo on PATH");
  const install = runPrinting("npx", [...PNPM, "install", "--offline", "--frozen-lockfile"], { cwd: repo, env });
  const installOutput = install.stdout + install.stderr;
  // A first install prints what it installed, not warnings a newcomer cannot act on.
  for (const noise of ["Failed to create bin", "Ignored build scripts"]) {
    if (installOutput.includes(noise)) fail(`pnpm install printed "${noise}":\n${installOutput}`);
  }
  const demo = startDemo(repo, env);
  try {
    const url = await demo.ready;
    const output = demo.output();
    const examples = readdirSync(join(repo, "examples")).sort();
    for (const example of examples.filter((name) => name.startsWith("go-"))) {
      const skipped = output.split("\n").filter((line) => line.includes(`build-plugin: skipped examples/${example}: neither tinygo nor go is on PATH`));
      if (skipped.length !== 1) fail(`expected one line saying examples/${example} was skipped, got:\n${output}`);
    }
    const plugins = (await (await fetch(`${url}/api/plugins`)).json()).map((plugin) => `${plugin.name}:${plugin.state}`).sort();
    const expected = examples.filter((name) => name.startsWith("as-")).map((name) => `${name}:loaded`);
    if (JSON.stringify(plugins) !== JSON.stringify(expected)) fail(`the demo serves ${plugins.join(", ")}, expected ${expected.join(", ")}`);
    const answer = await fetch(`${url}/api/plugins/as-echo/call/MetadataAgent.GetArtistBiography`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"Nina Simone"}' });
    if (!answer.ok) fail(`the demo's as-echo call answered ${answer.status}: ${await answer.text()}`);
    await demo.stop();
    if (demo.output().includes("ELIFECYCLE")) fail(`after Ctrl-C pnpm reported a failure:\n${demo.output()}`);
  } finally {
    await demo.stop();
  }
}

/** The skip lines a run without Go prints, one per test file or example that needs Go. */
const GO_SKIPS = [
  "skipped the Go SDK tests",
  "skipped the tests of examples/go-coverart",
  "skipped the tests of examples/go-echo",
  "skipped the tests of examples/go-live-events",
  "skipped the Navidrome-dialect Go plugin tests",
  "skipped the Go SubsonicAPI client tests",
  "go-test: skipped examples/go-coverart",
  "go-test: skipped examples/go-live-events",
  "go-test: skipped examples/go-gen2-agent",
  "go-test: skipped examples/go-gen2-testbed",
  "skipped the demo's Go examples",
  "skipped building the Go scaffold",
  "skipped building the generation-2 Go scaffold",
];

function checkTestsWithoutGo(repo, work, env) {
  step("the tests that need Go, without Go or TinyGo on PATH");
  // A temporary folder of this step's own, to see what the tests leave behind.
  const temporary = join(work, "tmp");
  mkdirSync(temporary);
  const testEnv = { ...env, TMPDIR: temporary };
  const filters = ["@nd/protocol", "@nd/runtime", "@nd/example-go-coverart", "@nd/example-go-live-events", "@nd/example-go-gen2-agent", "@nd/example-go-gen2-testbed"].map(
    (name) => `--filter=${name}`,
  );
  const output = [
    runPrinting("npx", [...PNPM, "exec", "turbo", "run", "test", "--concurrency=2", ...filters], { cwd: repo, env: testEnv }),
    runPrinting("npx", [...PNPM, "--filter", "@nd/cli", "exec", "vitest", "run", "test/new.test.ts", "test/demo.test.ts"], { cwd: repo, env: testEnv }),
  ]
    .map((result) => result.stdout + result.stderr)
    .join("");
  for (const skip of GO_SKIPS) {
    if (!output.includes(skip)) fail(`without Go, no line says "${skip}":\n${output}`);
  }
  // npm on Node 24 keeps its own compile cache in the temporary folder: the tool's, not the tests'.
  const left = readdirSync(temporary).filter((name) => name !== "node-compile-cache");
  if (left.length > 0) fail(`the tests left ${left.join(", ")} behind in ${temporary}`);
}

/** Follows a scaffold README's "Build, try, package" block, with `nd` from PATH. */
function followScaffoldReadme(plugin, name, env) {
  const readme = readFileSync(join(plugin, "README.md"), "utf8");
  const commands = /```sh\n([\s\S]*?)```/.exec(readme)?.[1]?.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#")) ?? [];
  if (commands.length < 4) fail(`${plugin}/README.md has no build, try and package commands`);
  let called = "";
  for (const line of commands) called = run("sh", ["-c", line.replace(/\s+#.*$/, "")], { cwd: plugin, env });
  if (!existsSync(join(plugin, "plugin.wasm"))) fail(`${plugin}: following its README built no plugin.wasm`);
  if (!existsSync(join(plugin, `${name}-0.1.0.ndp`))) fail(`${plugin}: following its README packed no ${name}-0.1.0.ndp`);
  return called;
}

function checkScaffolds(repo, work, env, goEnv) {
  step("npm link puts nd on PATH");
  // npm's global folder for this run only, so the machine's own is left alone.
  const prefix = join(work, "npm-global");
  run("npm", ["link", "--offline", "--no-audit", "--no-fund"], { cwd: join(repo, "packages", "cli"), env: { ...env, npm_config_prefix: prefix } });
  // A data folder of this run's own (nd's default plugins folder lives in it); pnpm keeps the store it used.
  const storeDir = run("npx", [...PNPM, "store", "path"], { cwd: repo, env }).trim();
  const ndEnv = {
    ...env,
    PATH: `${join(prefix, "bin")}${delimiter}${env.PATH}`,
    XDG_DATA_HOME: join(work, "xdg"),
    npm_config_store_dir: storeDir,
  };
  run("nd", ["--help"], { cwd: work, env: ndEnv });

  step("nd plugin new outside the repository (AssemblyScript)");
  const outside = join(work, "outside");
  mkdirSync(outside);
  run("nd", ["plugin", "new", "hello-as", "--lang", "as"], { cwd: outside, env: ndEnv });
  const dependency = JSON.parse(readFileSync(join(outside, "hello-as", "package.json"), "utf8")).devDependencies["@nd/protocol"];
  if (!dependency.startsWith("file:")) fail(`the skeleton depends on @nd/protocol ${dependency}, not on the nd that wrote it`);
  // npm's cache or the registry supplies the AssemblyScript compiler; nothing of nd comes from a registry.
  const npmEnv = { ...ndEnv, npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" };
  followScaffoldReadme(join(outside, "hello-as"), "hello-as", npmEnv);
  const folder = join(work, "xdg", "nd", "plugins");
  if (!existsSync(join(folder, "hello-as"))) fail(`nd plugin dev did not link into the default plugins folder ${folder}`);

  if (goEnv) {
    step("nd plugin new outside the repository (Go)");
    run("nd", ["plugin", "new", "hello-go", "--lang", "go"], { cwd: outside, env: ndEnv });
    followScaffoldReadme(join(outside, "hello-go"), "hello-go", { ...ndEnv, PATH: `${join(prefix, "bin")}${delimiter}${goEnv.PATH}`, GOFLAGS: "-mod=mod", GOPROXY: "off" });

    step("nd plugin new --gen 2 outside the repository (Go, extism/go-pdk from the Go module proxy or cache)");
    run("nd", ["plugin", "new", "hello-gen2", "--gen", "2", "--lang", "go"], { cwd: outside, env: ndEnv });
    followScaffoldReadme(join(outside, "hello-gen2"), "hello-gen2", { ...ndEnv, PATH: `${join(prefix, "bin")}${delimiter}${goEnv.PATH}` });
  }

  step("nd plugin new inside examples/ (workspace:*)");
  run("nd", ["plugin", "new", "hello-workspace", "--lang", "as", "examples/hello-workspace"], { cwd: repo, env: ndEnv });
  followScaffoldReadme(join(repo, "examples", "hello-workspace"), "hello-workspace", ndEnv);
  if (!readFileSync(join(repo, "examples", "hello-workspace", "README.md"), "utf8").includes("pnpm-lock.yaml")) {
    fail("the skeleton inside examples/ does not say its install changes pnpm-lock.yaml");
  }
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "nd-newcomer-"));
  try {
    const repo = join(work, "nd");
    step(`clean copy of ${checkout} in ${repo}`);
    cleanCopy(repo);
    const env = newcomerShell({ ...process.env, PATH: pathWithoutGo(join(work, "path")) });
    await checkDemoWithoutGo(repo, env);
    checkTestsWithoutGo(repo, work, env);
    const hasGo = spawnSync("go", ["version"], { stdio: "ignore" }).status === 0;
    checkScaffolds(repo, work, env, hasGo ? newcomerShell({ ...process.env }) : undefined);
    step("passed");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
