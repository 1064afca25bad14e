// Packs every publishable package (packages/* not marked private) the way
// `pnpm publish` would, then checks each tarball: it must hold a README, the
// LICENSE and something for every `files` entry, the package must publish as
// public with a real version and say where its repository, homepage and issues are,
// publint must find no error or warning, and @arethetypeswrong/cli must find
// the types right for import and require.
// attw runs with the "node16" profile: it checks node16 (from ESM and from CJS) and
// bundler resolution, and leaves out node10, which ignores `exports` and so can
// never resolve subpath exports such as "@nd/manifest/schema.json". Our packages
// need Node >= 20, and TypeScript users on Node 20 resolve with node16/nodenext or
// bundler; the root entry still resolves under node10 through `main` and `types`.
// Run from anywhere after `pnpm build`: `pnpm release:check`. With `--pack-destination <dir>`
// (`pnpm release:pack`) the checked tarballs are kept in <dir>: the published packages only,
// where `pnpm -r pack` would pack the private ones too.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const rootDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const bin = (name) => join(rootDir, "node_modules", ".bin", name);

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function publishablePackages() {
  const packagesDir = join(rootDir, "packages");
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(packagesDir, entry.name))
    .filter((dir) => existsSync(join(dir, "package.json")) && !readJson(join(dir, "package.json")).private);
}

/** pnpm itself when the script runs under it, else the version pinned in packageManager. */
function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return [process.execPath, [execPath]];
  const pinned = readJson(join(rootDir, "package.json")).packageManager;
  return ["npx", ["--yes", pinned]];
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  if (result.error) throw result.error;
  return {
    ok: result.status === 0,
    stdout: result.stdout,
    output: `${result.stdout}${result.stderr}`.trim(),
  };
}

/** `pnpm pack` rewrites workspace: ranges to real versions, as publishing does. */
function pack(packageDir, destination) {
  const [command, prefix] = pnpmCommand();
  const { ok, stdout, output } = run(command, [...prefix, "pack", "--json", "--pack-destination", destination], packageDir);
  if (!ok) throw new Error(`pnpm pack failed in ${packageDir}:\n${output}`);
  return JSON.parse(stdout);
}

/** npm and pnpm skip `files` entries that match nothing; a missing dist or proto folder would ship silently. */
function missingFileEntries(manifest, packed) {
  const paths = packed.files.map((file) => file.path);
  return (manifest.files ?? []).filter(
    (entry) =>
      !entry.startsWith("!") &&
      !/^readme\.md$/i.test(entry) &&
      !paths.some((path) => path === entry || path.startsWith(`${entry.replace(/\/$/, "")}/`)),
  );
}

/** Packed files that a `!pattern` entry of `files` says must stay out. */
function excludedButPacked(manifest, packed) {
  const exclusions = (manifest.files ?? []).filter((entry) => entry.startsWith("!")).map((entry) => globRegExp(entry.slice(1)));
  return packed.files.map((file) => file.path).filter((path) => exclusions.some((pattern) => pattern.test(path)));
}

function globRegExp(glob) {
  const source = glob
    .split("**/")
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
    .join("(?:.*/)?");
  return new RegExp(`^${source}$`);
}

function packagingProblems(manifest, packed) {
  const problems = [];
  if (manifest.publishConfig?.access !== "public") {
    problems.push('publishConfig.access must be "public": scoped packages are published restricted otherwise');
  }
  if (!packed.files.some((file) => /^readme\.md$/i.test(file.path))) {
    problems.push("README.md: the tarball has none");
  }
  if (!packed.files.some((file) => file.path === "LICENSE")) problems.push("LICENSE: the tarball has none");
  if (manifest.version === "0.0.0") problems.push("version: 0.0.0 is not a release; the changesets set the version");
  const missingFields = ["repository", "homepage", "bugs"].filter((field) => manifest[field] === undefined);
  if (missingFields.length > 0) problems.push(`package.json: no ${missingFields.join(", ")}`);
  const leaked = excludedButPacked(manifest, packed);
  if (leaked.length > 0) problems.push(`files: the tarball holds files its "!" entries exclude: ${leaked.join(", ")}`);
  const missing = missingFileEntries(manifest, packed);
  if (missing.length > 0) {
    problems.push(`files: nothing in the tarball for ${missing.join(", ")} (not built yet, or not written?)`);
  }
  return problems;
}

function lintProblems(tarball) {
  const linters = {
    publint: [bin("publint"), ["run", tarball, "--strict"]],
    attw: [bin("attw"), [tarball, "--profile", "node16", "--format", "table-flipped", "--no-emoji", "--no-color"]],
  };
  return Object.entries(linters).flatMap(([name, [command, args]]) => {
    const { ok, output } = run(command, args, rootDir);
    return ok ? [] : [`${name}:\n${output}`];
  });
}

function checkPackage(packageDir, destination) {
  const manifest = readJson(join(packageDir, "package.json"));
  const packed = pack(packageDir, destination);
  const problems = [...packagingProblems(manifest, packed), ...lintProblems(packed.filename)];
  return { name: `${manifest.name}@${manifest.version}`, fileCount: packed.files.length, problems };
}

/** The folder given with --pack-destination, where the tarballs are kept; else none. */
function keptDestination(argv) {
  const index = argv.indexOf("--pack-destination");
  if (index === -1) return undefined;
  const folder = argv[index + 1];
  if (!folder) throw new Error("--pack-destination needs a folder");
  mkdirSync(folder, { recursive: true });
  return resolve(folder);
}

function main() {
  const kept = keptDestination(process.argv.slice(2));
  const destination = kept ?? mkdtempSync(join(tmpdir(), "nd-release-check-"));
  let failed = 0;
  try {
    for (const packageDir of publishablePackages()) {
      const { name, fileCount, problems } = checkPackage(packageDir, destination);
      if (problems.length === 0) {
        console.log(`ok    ${name}  (${fileCount} files; publint and attw clean)`);
      } else {
        failed += 1;
        console.log(`FAIL  ${name}`);
        for (const problem of problems) console.log(problem.replace(/^/gm, "      "));
      }
    }
  } finally {
    if (!kept) rmSync(destination, { recursive: true, force: true });
  }
  if (failed > 0) {
    console.error(`${failed} package(s) are not ready to publish`);
    process.exit(1);
  }
}

main();
