import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { biographyPlugin, nd, packageFile, pluginFolder, workspace } from "./support/nd.js";

const isRoot = process.getuid?.() === 0;

describe("path arguments fail with what is wrong and where", () => {
  test("a folder where a package file is expected, a missing package, a missing request file", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const installFolder = await nd(["plugin", "install", dir, "--folder", folder]);
    expect(installFolder).toMatchObject({ code: 1, stderr: `nd: package ${dir} is a folder; give a file\n` });
    const missing = join(dir, "missing.ndp");
    for (const argv of [["plugin", "install", missing], ["plugin", "update", missing], ["plugin", "info", missing]]) {
      expect(await nd([...argv, "--folder", folder])).toMatchObject({ code: 1, stderr: `nd: package ${missing} does not exist\n` });
    }
    const call = await nd(["plugin", "call", "x", "MetadataAgent.GetArtistMBID", "@missing.json", "--folder", folder], { cwd: dir });
    expect(call).toMatchObject({ code: 1, stderr: `nd: request file ${join(dir, "missing.json")} does not exist\n` });
    expect(existsSync(folder)).toBe(false);
  });

  test("a file where a plugin folder is expected, a missing plugin folder, a missing config file, a plugins folder that is a file", async () => {
    const dir = workspace();
    const file = join(dir, "notes.txt");
    writeFileSync(file, "not a plugin");
    expect(await nd(["plugin", "dev", file, "--folder", join(dir, "plugins")])).toMatchObject({
      code: 1,
      stderr: `nd: plugin folder ${file} is a file; give a folder\n`,
    });
    expect(await nd(["plugin", "pack", join(dir, "gone")])).toMatchObject({ code: 1, stderr: `nd: plugin folder ${join(dir, "gone")} does not exist\n` });
    expect(await nd(["plugin", "list", "--config", join(dir, "nd.toml")])).toMatchObject({
      code: 1,
      stderr: `nd: config file ${join(dir, "nd.toml")} does not exist\n`,
    });
    expect(await nd(["plugin", "list", "--folder", file])).toMatchObject({ code: 1, stderr: expect.stringContaining(`plugins folder ${file} is a file`) });
    expect(await nd(["plugin", "new", "fresh", "--lang", "as", file])).toMatchObject({ code: 1, stderr: `nd: ${file} is a file; give a new or empty folder\n` });
    expect(await nd(["plugin", "info", dir, "--folder", join(dir, "plugins")])).toMatchObject({
      code: 1,
      stderr: `nd: ${dir} has no manifest.json: it is not a plugin folder\n`,
    });
  });

  test.skipIf(isRoot)("an unreadable package is refused as such", async () => {
    const dir = workspace();
    const file = await packageFile(dir, biographyPlugin("locked", "x"));
    chmodSync(file, 0o000);
    expect(await nd(["plugin", "install", file, "--folder", join(dir, "plugins")])).toMatchObject({
      code: 1,
      stderr: `nd: cannot read package ${file}: permission denied\n`,
    });
  });
});

describe("nd plugin call requests", () => {
  test("- reads the request from standard input and @path from a file", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    expect(await nd(["plugin", "install", await packageFile(dir, biographyPlugin("hello", "hi")), "--folder", folder])).toMatchObject({ code: 0 });
    const fromStdin = await nd(["plugin", "call", "hello", "MetadataAgent.GetArtistBiography", "-", "--folder", folder], {
      stdin: Readable.from(['{"name":', '"Nina"}']),
    });
    expect(fromStdin).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(fromStdin.stdout)).toEqual({ biography: "hi" });
    writeFileSync(join(dir, "request.json"), '{"name":"Nina"}');
    const fromFile = await nd(["plugin", "call", "hello", "MetadataAgent.GetArtistBiography", "@request.json", "--folder", folder], { cwd: dir });
    expect(JSON.parse(fromFile.stdout)).toEqual({ biography: "hi" });
    const notJson = await nd(["plugin", "call", "hello", "MetadataAgent.GetArtistBiography", "-", "--folder", folder], { stdin: Readable.from(["nope"]) });
    expect(notJson).toMatchObject({ code: 2, stderr: expect.stringContaining("the request is not JSON") });
  });
});

describe("the default plugins folder", () => {
  test("is the per-user data folder's, wherever the command runs, and list prints it", async () => {
    const dir = workspace();
    const env = { XDG_DATA_HOME: join(dir, "xdg"), HOME: join(dir, "home") };
    const plugin = pluginFolder(dir, biographyPlugin("hello", "hi"));
    const linked = await nd(["plugin", "dev", "."], { cwd: plugin, env });
    expect(linked).toMatchObject({ code: 0 });
    const expected = join(dir, "xdg", "nd", "plugins");
    expect(readlinkSync(join(expected, "hello"))).toBe(plugin);
    expect(readdirSync(plugin).sort()).toEqual(["manifest.json", "plugin.wasm"]);
    const listed = await nd(["plugin", "list"], { cwd: join(dir, "home"), env });
    expect(listed.stderr).toBe(`plugins folder: ${expected}\n`);
    expect(listed.stdout).toMatch(/\nhello +1 +1\.0\.0/);
  });

  test("dev never links a plugin folder into itself", async () => {
    const dir = workspace();
    const plugin = pluginFolder(dir, biographyPlugin("hello", "hi"));
    const refused = await nd(["plugin", "dev", ".", "--folder", "data/plugins"], { cwd: plugin });
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining(`is inside the plugin folder ${plugin}`) });
    expect(readdirSync(plugin).sort()).toEqual(["manifest.json", "plugin.wasm"]);
  });

  test("dev run again on a linked folder asks a running nd serve to reload it", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const plugin = pluginFolder(dir, biographyPlugin("hello", "hi"));
    mkdirSync(folder);
    expect(await nd(["plugin", "dev", plugin, "--folder", folder])).toMatchObject({ code: 0 });
    expect(await nd(["plugin", "dev", plugin, "--folder", folder])).toMatchObject({ code: 0, stdout: expect.stringContaining("reloads it") });
    expect(lstatSync(join(folder, ".nd-refresh", "hello")).isFile()).toBe(true);
  });
});
