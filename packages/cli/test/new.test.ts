import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { goAvailableFor } from "@nd/testing";
import { describe, expect, test } from "vitest";
import { nd, workspace } from "./support/nd.js";

const repository = fileURLToPath(new URL("../../..", import.meta.url));
const asEcho = join(repository, "examples", "as-echo");

/** Links what `npm install` would fetch: @nd/protocol from this repository, the AssemblyScript compiler from an example. */
function linkAssemblyScriptDependencies(plugin: string): string {
  const compiler = dirname(createRequire(join(asEcho, "package.json")).resolve("assemblyscript/package.json"));
  mkdirSync(join(plugin, "node_modules", "@nd"), { recursive: true });
  symlinkSync(join(repository, "packages", "protocol"), join(plugin, "node_modules", "@nd", "protocol"), "dir");
  symlinkSync(compiler, join(plugin, "node_modules", "assemblyscript"), "dir");
  return join(compiler, "bin", "asc.js");
}

async function devAndCall(dir: string, plugin: string, name: string) {
  const folder = join(dir, "plugins");
  expect(await nd(["plugin", "dev", plugin, "--folder", folder])).toMatchObject({ code: 0 });
  const call = await nd(["plugin", "call", name, "MetadataAgent.GetArtistBiography", '{"name":"Nina"}', "--folder", folder]);
  expect(call).toMatchObject({ code: 0, stderr: "" });
  return JSON.parse(call.stdout);
}

describe("nd plugin new", () => {
  test("an AssemblyScript scaffold builds and answers nd plugin call", async () => {
    const dir = workspace();
    expect(await nd(["plugin", "new", "hello-as", "--lang", "as"], { cwd: dir })).toMatchObject({ code: 0 });
    const plugin = join(dir, "hello-as");
    expect(readdirSync(plugin).sort()).toEqual([".gitignore", "README.md", "asconfig.json", "assembly", "manifest.json", "package.json"]);
    const asc = linkAssemblyScriptDependencies(plugin);
    // Unoptimized, to keep the test quick; the scaffold's own build optimizes.
    execFileSync(process.execPath, [asc, "--config", "asconfig.json", "--optimizeLevel", "0", "--shrinkLevel", "0"], { cwd: plugin, stdio: "pipe" });
    expect(await devAndCall(dir, plugin, "hello-as")).toEqual({ biography: "hello-as says hello to Nina" });
  }, 120_000);

  test.skipIf(!goAvailableFor("building the Go scaffold", ["go"]))("a Go scaffold builds and answers nd plugin call", async () => {
    const dir = workspace();
    expect(await nd(["plugin", "new", "hello-go", "--lang", "go", "src/hello"], { cwd: dir })).toMatchObject({ code: 0 });
    const plugin = join(dir, "src", "hello");
    execFileSync("go", ["build", "-buildmode=c-shared", "-o", "plugin.wasm", "."], {
      cwd: plugin,
      env: { ...process.env, GOOS: "wasip1", GOARCH: "wasm" },
      stdio: "pipe",
    });
    expect(await devAndCall(dir, plugin, "hello-go")).toEqual({ biography: "hello-go says hello to Nina" });
  }, 120_000);

  test.skipIf(!goAvailableFor("building the generation-2 Go scaffold", ["go"]))("a generation-2 Go scaffold (extism/go-pdk) builds, links and answers nd plugin call --export", async () => {
    const dir = workspace();
    expect(await nd(["plugin", "new", "Hello Two", "--gen", "2", "--lang", "go", "hello-two"], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: `created Hello Two (Go, generation 2) in ${join(dir, "hello-two")}, plugin ID hello-two; see its README.md to build and try it\n`,
    });
    const plugin = join(dir, "hello-two");
    expect(readdirSync(plugin).sort()).toEqual([".gitignore", "README.md", "go.mod", "go.sum", "main.go", "manifest.json"]);
    execFileSync("go", ["build", "-buildmode=c-shared", "-o", "plugin.wasm", "."], {
      cwd: plugin,
      env: { ...process.env, GOOS: "wasip1", GOARCH: "wasm" },
      stdio: "pipe",
    });
    const folder = join(dir, "plugins");
    expect(await nd(["plugin", "dev", plugin, "--folder", folder])).toMatchObject({ code: 0 });
    const call = await nd(["plugin", "call", "hello-two", "--export", "nd_get_artist_biography", '{"name":"Nina"}', "--folder", folder]);
    expect(call).toEqual({ code: 0, stdout: '{"biography":"Hello Two says hello to Nina"}\n', stderr: "" });
    expect((await nd(["plugin", "list", "--folder", folder])).stdout).toMatch(/\nhello-two +2 +0\.1\.0 +MetadataAgent +- +ready/);
  }, 120_000);

  test("a generation-2 AssemblyScript scaffold builds and answers nd plugin call --export", async () => {
    const dir = workspace();
    expect(await nd(["plugin", "new", "Hello AS Two", "--gen", "2", "--lang", "as"], { cwd: dir })).toMatchObject({
      code: 0,
      stdout: `created Hello AS Two (AssemblyScript, generation 2) in ${join(dir, "hello-as-two")}, plugin ID hello-as-two; see its README.md to build and try it\n`,
    });
    const plugin = join(dir, "hello-as-two");
    expect(readdirSync(plugin).sort()).toEqual([".gitignore", "README.md", "asconfig.json", "assembly", "manifest.json", "package.json"]);
    const asc = linkAssemblyScriptDependencies(plugin);
    execFileSync(process.execPath, [asc, "--config", "asconfig.json", "--optimizeLevel", "0", "--shrinkLevel", "0"], { cwd: plugin, stdio: "pipe" });
    const folder = join(dir, "plugins");
    expect(await nd(["plugin", "dev", plugin, "--folder", folder])).toMatchObject({ code: 0 });
    const call = await nd(["plugin", "call", "hello-as-two", "--export", "nd_get_artist_biography", '{"name":"Nina"}', "--folder", folder]);
    expect(call).toEqual({ code: 0, stdout: '{"biography":"Hello AS Two says hello to Nina"}\n', stderr: "" });
    const notImplemented = await nd(["plugin", "call", "hello-as-two", "--export", "nd_get_album_info", '{"name":"x"}', "--folder", folder]);
    expect(notImplemented.code).not.toBe(0);
    expect(notImplemented.stderr).toMatch(/not implemented/i);
    expect((await nd(["plugin", "list", "--folder", folder])).stdout).toMatch(/\nhello-as-two +2 +0\.1\.0 +MetadataAgent +- +ready/);
  }, 120_000);

  test("outside the nd checkout, the skeleton takes @nd/protocol and the Go SDK from the nd that wrote it", async () => {
    const dir = workspace();
    expect(await nd(["plugin", "new", "dep-as", "--lang", "as"], { cwd: dir })).toMatchObject({ code: 0 });
    const dependency: string = JSON.parse(readFileSync(join(dir, "dep-as", "package.json"), "utf8")).devDependencies["@nd/protocol"];
    const readme = readFileSync(join(dir, "dep-as", "README.md"), "utf8");
    expect(readme).toContain("Run these in this folder:");
    expect(readme).toContain("Offline it works only\nwhen npm's cache already holds `assemblyscript`");
    expect(dependency).toBe(`file:${realpathSync(join(repository, "packages", "protocol"))}`);
    expect(await nd(["plugin", "new", "dep-go", "--lang", "go"], { cwd: dir })).toMatchObject({ code: 0 });
    const goMod = readFileSync(join(dir, "dep-go", "go.mod"), "utf8");
    expect(goMod).toContain(`replace github.com/nd-music/nd/packages/protocol/go => ${realpathSync(join(repository, "packages", "protocol", "go"))}\n`);
  });

  test("checks the name with the manifest's rule before writing anything, and shows only options it uses", async () => {
    const dir = workspace();
    const refused = await nd(["plugin", "new", "", "--lang", "as", "empty"], { cwd: dir });
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining("is not a valid manifest name") });
    expect(existsSync(join(dir, "empty"))).toBe(false);
    expect(await nd(["plugin", "new", "x", "--lang", "as", "--folder", "elsewhere"], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("unknown option '--folder'"),
    });
    expect((await nd(["plugin", "new", "--help"])).stdout).not.toContain("--config");
  });

  test("any name the manifest accepts gets a safe folder inside the current one", async () => {
    const dir = workspace();
    expect(await nd(["plugin", "new", "My Plugin", "--lang", "as"], { cwd: dir })).toMatchObject({ code: 0 });
    expect(JSON.parse(readFileSync(join(dir, "my-plugin", "manifest.json"), "utf8")).name).toBe("My Plugin");
    expect(await nd(["plugin", "new", "../up", "--lang", "go"], { cwd: dir })).toMatchObject({ code: 0 });
    expect(existsSync(join(dir, "up", "go.mod"))).toBe(true);
    expect(existsSync(join(dir, "..", "up"))).toBe(false);
  });

  test("refuses a folder that is not empty, a bad name and a missing language", async () => {
    const dir = workspace();
    mkdirSync(join(dir, "taken", "x"), { recursive: true });
    expect(await nd(["plugin", "new", "ok", "--lang", "as", "taken"], { cwd: dir })).toMatchObject({ code: 1, stderr: expect.stringContaining("is not empty") });
    expect((await nd(["plugin", "new", "ok"], { cwd: dir })).code).toBe(2);
    expect((await nd(["plugin", "new", "ok", "--lang", "rust"], { cwd: dir })).code).toBe(2);
    // Without a name the name is what is missing, whether --lang is given or not; then --lang.
    for (const argv of [["plugin", "new"], ["plugin", "new", "--lang", "as"]]) {
      expect(await nd(argv, { cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringContaining("missing required argument 'name'") });
    }
    expect(await nd(["plugin", "new", "ok"], { cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringContaining("--lang is required: nd plugin new ok --lang as") });
  });
});
