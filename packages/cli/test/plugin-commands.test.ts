import { existsSync, lstatSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "@nd/cli";
import { describe, expect, test } from "vitest";
import { writeNdp } from "@nd/ndp";
import { biographyPlugin, manifestOf, nd, packageFile, pluginFolder, workspace } from "./support/nd.js";
import { watBytes, watPlugin } from "./support/wat.js";

// OnInit fails when the config map is not empty: the InitRequest (field 1, the map) has bytes.
const strictPlugin = {
  name: "strict",
  prefixes: ["metadata_agent_", "lifecycle_management_"],
  capabilities: ["MetadataAgent", "LifecycleManagement"],
  answers: { metadata_agent_get_artist_biography: Uint8Array.from([0x0a, 0x02, 0x6f, 0x6b]) },
  body: `(data (i32.const 3000) "config given")
    (func (export "lifecycle_management_on_init") (param $ptr i32) (param $len i32) (result i64)
      (if (result i64) (i32.eqz (local.get $len))
        (then (call $pack (i32.const 0) (i32.const 0)))
        (else (call $pack (i32.const 3000) (i32.const 0x8000000c)))))`,
};

describe("install, list, info, call, remove", () => {
  test("an installed package lists, describes itself, answers calls and goes away", async () => {
    const dir = workspace();
    const folder = join(dir, "data", "plugins");
    const file = await packageFile(dir, { ...biographyPlugin("hello", "hi there"), permissions: { cache: { reason: "remembers things" } } });

    const installed = await nd(["plugin", "install", file, "--folder", folder]);
    expect(installed).toMatchObject({ code: 0, stderr: "" });
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(folder, "hello")).sort()).toEqual(["README.md", "manifest.json", "plugin.wasm"]);

    const list = await nd(["plugin", "list", "--json", "--folder", folder]);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ name: "hello", version: "1.0.0", capabilities: ["MetadataAgent"], permissions: ["cache"], state: "ready", dev: false }),
    ]);
    expect((await nd(["plugin", "list", "--folder", folder])).stdout).toMatch(/^NAME +GEN +VERSION.*\nhello +1 +1\.0\.0 +MetadataAgent +cache +ready/);

    const info = JSON.parse((await nd(["plugin", "info", "hello", "--json", "--folder", folder])).stdout);
    expect(info).toMatchObject({ manifest: { name: "hello" }, permissions: [{ name: "cache", reason: "remembers things" }], problems: [] });
    expect(info.wasmSha256).toMatch(/^[0-9a-f]{64}$/);
    const fromFile = JSON.parse((await nd(["plugin", "info", file, "--json"])).stdout);
    expect(fromFile.wasmSha256).toBe(info.wasmSha256);
    // In text, each figure says what it is of: the .ndp file's size, the folder's files' size, plugin.wasm's sha256.
    const fileText = (await nd(["plugin", "info", file])).stdout;
    expect(fileText).toContain(`package size ${statSync(file).size} bytes\n`);
    expect(fileText).toContain(`wasm sha256  ${info.wasmSha256} (plugin.wasm)\n`);
    expect((await nd(["plugin", "info", "hello", "--folder", folder])).stdout).toContain(`files size   ${info.size} bytes\n`);

    const call = await nd(["plugin", "call", "hello", "MetadataAgent.GetArtistBiography", '{"name":"Nina"}', "--folder", folder]);
    expect(call).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(call.stdout)).toEqual({ biography: "hi there" });

    expect(await nd(["plugin", "remove", "hello", "--folder", folder])).toMatchObject({ code: 0 });
    expect(readdirSync(folder)).toEqual([]);
  });

  test("a manifest name that is no folder name is installed under a safe folder derived from it", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const file = await packageFile(dir, biographyPlugin("Fake Album Agent", "from a named plugin"));
    const installed = await nd(["plugin", "install", file, "--folder", folder]);
    expect(installed).toMatchObject({ code: 0, stderr: "" });
    expect(installed.stdout).toContain(`installed Fake Album Agent 1.0.0 in ${join(folder, "fake-album-agent")}`);
    expect(readdirSync(folder)).toEqual(["fake-album-agent"]);
    const call = await nd(["plugin", "call", "Fake Album Agent", "MetadataAgent.GetArtistBiography", "{}", "--folder", folder]);
    expect(JSON.parse(call.stdout)).toEqual({ biography: "from a named plugin" });
    expect(await nd(["plugin", "remove", "Fake Album Agent", "--folder", folder])).toMatchObject({ code: 0 });
    expect(readdirSync(folder)).toEqual([]);
  });

  test("info shows a plugin folder's permission scopes", async () => {
    const dir = workspace();
    const http = { reason: "asks the API", allowedUrls: { "https://api.example.com/*": ["GET"] }, allowLocalNetwork: false };
    const source = pluginFolder(dir, { ...biographyPlugin("scoped", "x"), permissions: { http } });
    const json = JSON.parse((await nd(["plugin", "info", source, "--json"])).stdout);
    expect(json.permissions).toEqual([{ name: "http", ...http }]);
    const text = (await nd(["plugin", "info", source])).stdout;
    expect(text).toContain("  http: asks the API\n    allowed: https://api.example.com/* GET\n");
  });

  test("info shows the users a subsonicapi permission allows", async () => {
    const dir = workspace();
    const subsonicapi = { reason: "relays plays", allowedUsernames: ["alice", "bob"], allowAdmins: true };
    const source = pluginFolder(dir, { ...biographyPlugin("relay", "x"), permissions: { subsonicapi } });
    expect(JSON.parse((await nd(["plugin", "info", source, "--json"])).stdout).permissions).toEqual([{ name: "subsonicapi", ...subsonicapi }]);
    expect((await nd(["plugin", "info", source])).stdout).toContain("  subsonicapi: relays plays\n    users: alice, bob\n    admin users: allowed\n");
  });

  test("list marks a plugin whose files would not load as invalid, with the problem", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    pluginFolder(folder, biographyPlugin("good", "x"));
    writeFileSync(join(pluginFolder(folder, biographyPlugin("bad", "x")), "manifest.json"), "{}");
    const [bad, good] = JSON.parse((await nd(["plugin", "list", "--json", "--folder", folder])).stdout);
    expect(good).toMatchObject({ name: "good", state: "ready", problems: [] });
    expect(bad).toMatchObject({ name: "bad", state: "invalid", problems: [expect.stringContaining("manifest.json")] });
    expect((await nd(["plugin", "list", "--folder", folder])).stdout).toMatch(/^bad: .*manifest\.json/m);
  });

  test("installing a name that is taken is refused and points to update", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const file = await packageFile(dir, biographyPlugin("hello", "one"));
    await nd(["plugin", "install", file, "--folder", folder]);
    const again = await nd(["plugin", "install", file, "--folder", folder]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^nd: plugin "hello" is already installed in .*; use nd plugin update .*\n$/);
  });

  test("the folder comes from --folder, else ND_PLUGINS_FOLDER, else the config file", async () => {
    const dir = workspace();
    const file = await packageFile(dir, biographyPlugin("hello", "one"));
    writeFileSync(join(dir, "nd.toml"), `[Plugins]\nFolder = "from-config"\n`);
    await nd(["plugin", "install", file, "--config", join(dir, "nd.toml")]);
    expect(existsSync(join(dir, "from-config", "hello", "plugin.wasm"))).toBe(true);
    await nd(["plugin", "install", file], { cwd: dir, env: { ND_PLUGINS_FOLDER: "from-env" } });
    expect(existsSync(join(dir, "from-env", "hello", "plugin.wasm"))).toBe(true);
  });

  test("plugin errors exit 1 with the plugin's message; wrong usage exits 2", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const spec = { name: "picky", answers: { metadata_agent_get_artist_url: { error: "upstream said no" } } };
    await nd(["plugin", "install", await packageFile(dir, spec), "--folder", folder]);

    const failed = await nd(["plugin", "call", "picky", "MetadataAgent.GetArtistURL", "{}", "--folder", folder]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("upstream said no");
    expect(failed.stderr.trim().split("\n")).toHaveLength(1);

    expect((await nd(["plugin", "call", "picky", "MetadataAgent.GetArtistURL", "{not json", "--folder", folder])).code).toBe(2);
    const typo = await nd(["plugin", "call", "picky", "MetadataAgent.GetArtistURL", '{"nmae":"x"}', "--folder", folder]);
    expect(typo).toMatchObject({ code: 2, stderr: expect.stringContaining('no field "nmae"; fields: id, name, mbid') });
    const unknown = await nd(["plugin", "call", "picky", "MetadataAgent.Nope", "--folder", folder]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("methods: GetArtistMBID");
    expect((await nd(["plugin", "frobnicate"])).code).toBe(2);
    expect((await nd(["plugin", "install"])).code).toBe(2);
    expect((await nd(["plugin", "call", "missing", "MetadataAgent.GetArtistURL", "--folder", folder])).code).toBe(1);
  });

  test("progress shows on a terminal's stderr and is cleared; piped output stays quiet", async () => {
    const dir = workspace();
    const file = await packageFile(dir, biographyPlugin("hello", "one"));
    let stderr = "";
    const code = await runCli(["plugin", "install", file, "--folder", join(dir, "tty")], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text), isTTY: true },
      env: { XDG_DATA_HOME: process.env.XDG_DATA_HOME ?? "" },
    });
    expect(code).toBe(0);
    expect(stderr).toContain("verifying…");
    expect(stderr.endsWith("\r\x1b[2K")).toBe(true);
    expect((await nd(["plugin", "install", file, "--folder", join(dir, "piped")])).stderr).toBe("");
  });

  test("--help documents the command with an example", async () => {
    const help = await nd(["plugin", "install", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--folder <dir>");
    expect(help.stdout).toMatch(/Example:\n {2}nd plugin install /);
  });

  test("every command that takes --folder describes its default the same way", async () => {
    const folderHelp = async (argv: string[]) => {
      const { stdout } = await nd([...argv, "--help"]);
      return stdout.slice(stdout.indexOf("--folder <dir>"), stdout.indexOf("--config <file>")).replace(/\s+/g, " ");
    };
    const serve = await folderHelp(["serve"]);
    expect(serve).toContain("<DataFolder>/plugins");
    expect(serve).toContain("$XDG_DATA_HOME/nd/plugins");
    for (const command of ["install", "list", "info", "refresh", "call"]) expect(await folderHelp(["plugin", command]), command).toBe(serve);
  });
});

describe("a folder with a manifest but no plugin.wasm", () => {
  test("info names it and says why it is no plugin; list says it skipped it, and why", async () => {
    const folder = join(workspace(), "plugins");
    const bare = join(folder, "bare");
    mkdirSync(bare, { recursive: true });
    writeFileSync(join(bare, "manifest.json"), JSON.stringify(manifestOf({ name: "bare" })));
    const why = `${bare} is not a plugin: it has no plugin.wasm (not built yet?); a plugin folder holds manifest.json and plugin.wasm\n`;
    expect(await nd(["plugin", "info", bare])).toEqual({ code: 1, stdout: "", stderr: `nd: ${why}` });
    expect(await nd(["plugin", "info", "bare", "--folder", folder])).toEqual({ code: 1, stdout: "", stderr: `nd: ${why}` });
    const list = await nd(["plugin", "list", "--folder", folder]);
    expect(list).toMatchObject({ code: 0, stdout: `no plugins in ${folder}\n` });
    expect(list.stderr).toBe(`skipped ${bare}: it has no plugin.wasm (not built yet?); a plugin folder holds manifest.json and plugin.wasm\n`);
  });
});

describe("update", () => {
  test("replaces the installed version", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await nd(["plugin", "install", await packageFile(dir, biographyPlugin("hello", "one", "1.0.0")), "--folder", folder]);
    const update = await nd(["plugin", "update", await packageFile(dir, biographyPlugin("hello", "two", "2.0.0")), "--folder", folder]);
    expect(update).toMatchObject({ code: 0, stdout: "updated hello to 2.0.0 (was 1.0.0)\n" });
    const call = await nd(["plugin", "call", "hello", "MetadataAgent.GetArtistBiography", "--folder", folder]);
    expect(JSON.parse(call.stdout)).toEqual({ biography: "two" });
  });

  test("a new version that would not load leaves the old one in place and working", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await nd(["plugin", "install", await packageFile(dir, biographyPlugin("hello", "one", "1.0.0")), "--folder", folder]);
    // Imports the http service's get without the http permission: valid package, unloadable plugin.
    const broken = await packageFile(dir, {
      ...biographyPlugin("hello", "two", "2.0.0"),
      imports: `(import "env" "get" (func (param i32 i32) (result i64)))`,
    });
    const update = await nd(["plugin", "update", broken, "--folder", folder]);
    expect(update.code).toBe(1);
    expect(update.stderr).toContain('without the "http" permission');
    expect(readdirSync(folder)).toEqual(["hello"]);
    const call = await nd(["plugin", "call", "hello", "MetadataAgent.GetArtistBiography", "--folder", folder]);
    expect(JSON.parse(call.stdout)).toEqual({ biography: "one" });
  });

  test("updating a plugin that is not installed points to install", async () => {
    const dir = workspace();
    const update = await nd(["plugin", "update", await packageFile(dir, biographyPlugin("hello", "one")), "--folder", join(dir, "plugins")]);
    expect(update.code).toBe(1);
    expect(update.stderr).toContain("use nd plugin install");
  });
});

describe("dev, pack", () => {
  test("dev links a folder; remove drops the link and keeps the folder", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const source = pluginFolder(join(dir, "src"), biographyPlugin("work", "in progress"));
    expect(await nd(["plugin", "dev", source, "--folder", folder])).toMatchObject({ code: 0 });
    expect(lstatSync(join(folder, "work")).isSymbolicLink()).toBe(true);
    expect(JSON.parse((await nd(["plugin", "list", "--json", "--folder", folder])).stdout)[0]).toMatchObject({ name: "work", dev: true });
    const call = await nd(["plugin", "call", "work", "MetadataAgent.GetArtistBiography", "--folder", folder]);
    expect(JSON.parse(call.stdout)).toEqual({ biography: "in progress" });

    expect(await nd(["plugin", "remove", "work", "--folder", folder])).toMatchObject({ code: 0 });
    expect(existsSync(join(folder, "work"))).toBe(false);
    expect(readdirSync(source).sort()).toEqual(["manifest.json", "plugin.wasm"]);
  });

  test("dev refuses a folder whose module would not load", async () => {
    const dir = workspace();
    const source = pluginFolder(dir, { ...biographyPlugin("bad", "x"), prefixes: [] });
    const dev = await nd(["plugin", "dev", source, "--folder", join(dir, "plugins")]);
    expect(dev.code).toBe(1);
    expect(dev.stderr).toContain('does not export the function "metadata_agent_api_version"');
  });

  test("pack builds a package that installs, the same bytes every time", async () => {
    const dir = workspace();
    const source = pluginFolder(join(dir, "src"), biographyPlugin("packed", "from a folder", "3.1.0"));
    const first = await nd(["plugin", "pack", source, "--json"], { cwd: dir });
    expect(first.code).toBe(0);
    const { file, sha256 } = JSON.parse(first.stdout);
    expect(file).toBe(join(dir, "packed-3.1.0.ndp"));
    const second = JSON.parse((await nd(["plugin", "pack", source, "-o", "again.ndp", "--json"], { cwd: dir })).stdout);
    expect(second.sha256).toBe(sha256);
    expect(await nd(["plugin", "install", file, "--folder", join(dir, "plugins")])).toMatchObject({ code: 0 });
  });
});

describe("config", () => {
  test("bad TOML is reported with the file and line", async () => {
    const dir = workspace();
    const config = join(dir, "nd.toml");
    writeFileSync(config, `[Plugins]\nEnabled = true\nFolder = "unterminated\n`);
    const result = await nd(["plugin", "list", "--config", config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^nd: ${config.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:\\d+: invalid TOML`));
  });

  test("[PluginConfig.<name>] reaches the plugin's OnInit; an OnInit error is a warning and the call is made", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await nd(["plugin", "install", await packageFile(dir, strictPlugin), "--folder", folder]);
    const args = ["plugin", "call", "strict", "MetadataAgent.GetArtistBiography", "--folder", folder];
    expect(JSON.parse((await nd(args)).stdout)).toEqual({ biography: "ok" });
    writeFileSync(join(dir, "nd.toml"), `[PluginConfig.strict]\napi_key = "secret"\n`);
    const configured = await nd([...args, "--config", join(dir, "nd.toml")]);
    expect(configured.code).toBe(0);
    expect(JSON.parse(configured.stdout)).toEqual({ biography: "ok" });
    expect(configured.stderr).toBe('nd: warning: plugin "strict": OnInit failed (the plugin stays loaded): config given\n');
    const listed = await nd(["plugin", "list", "--init", "--json", "--folder", folder, "--config", join(dir, "nd.toml")]);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ name: "strict", state: "ready", initError: "config given" }]);
    const table = await nd(["plugin", "list", "--init", "--folder", folder, "--config", join(dir, "nd.toml")]);
    expect(table.stdout).toContain("strict: OnInit failed (the plugin stays loaded): config given");
    const staticList = await nd(["plugin", "list", "--json", "--folder", folder, "--config", join(dir, "nd.toml")]);
    expect(JSON.parse(staticList.stdout)[0]).not.toHaveProperty("initError");
  });
});

describe("a hostile config file", () => {
  // Each gives the plugin "strict" no table of its own; before, a `__proto__` table became the
  // prototype of the map of tables, and "strict" read another table's value as its config.
  test.each([
    ["plain", `[PluginConfig.__proto__]\nstrict = "x"\n`, 'PluginConfig."__proto__"'],
    ["quoted", `[PluginConfig."__proto__"]\nstrict = "x"\n`, 'PluginConfig."__proto__"'],
    ["inline", `PluginConfig = { __proto__ = { strict = "x" } }\n`, 'PluginConfig."__proto__"'],
    ["a reserved key in its own table", `[PluginConfig.strict]\n__proto__ = "x"\nconstructor = "y"\n`, 'PluginConfig.strict."__proto__"'],
  ])("%s: the plugin sees only its own (empty) table, and the reserved key is a warning", async (_name, text, ignored) => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await nd(["plugin", "install", await packageFile(dir, strictPlugin), "--folder", folder]);
    writeFileSync(join(dir, "nd.toml"), text);
    const args = ["plugin", "call", "strict", "MetadataAgent.GetArtistBiography", "--folder", folder, "--config", join(dir, "nd.toml")];
    const result = await nd(args);
    expect(result.code).toBe(0);
    expect(result.stderr.split("\n").filter((line) => line !== "")).toEqual([
      expect.stringContaining(`${ignored} is ignored`),
      ...(ignored.endsWith("strict.\"__proto__\"") ? [expect.stringContaining('PluginConfig.strict."constructor" is ignored')] : []),
    ]);
    expect(result.stderr).not.toContain("OnInit failed");
  });
});

describe("terminal escapes", () => {
  const HOSTILE = "\u001b]0;pwned\u0007\u001b[2J";
  const SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J";
  // Anything a terminal would act on: C0 controls but tab and line feed, DEL, C1, bidi overrides.
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  test("manifest strings in install, list and info are shown escaped, in text and JSON alike", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const file = join(dir, "evil.ndp");
    const manifest = {
      ...manifestOf(biographyPlugin("evil", "bio")),
      name: `evil${HOSTILE}`,
      author: `mallory${HOSTILE}`,
      description: `nice\u202eevil\u009b2J${HOSTILE}`,
      website: `https://example.com/${HOSTILE}`,
      permissions: { http: { reason: `because${HOSTILE}`, allowedUrls: { [`https://api.example.com/${HOSTILE}`]: ["GET"] } } },
    };
    await writeNdp({ manifest: manifest as never, wasm: watPlugin(biographyPlugin("evil", "bio")), readme: "# evil\n" }, file);
    const outputs = [
      await nd(["plugin", "install", file, "--folder", folder]),
      await nd(["plugin", "list", "--folder", folder]),
      await nd(["plugin", "list", "--json", "--folder", folder]),
      await nd(["plugin", "info", file]),
      await nd(["plugin", "info", file, "--json"]),
    ];
    expect(outputs.map((output) => output.code)).toEqual([0, 0, 0, 0, 0]);
    for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toMatch(CONTROL);
    expect(outputs[0]!.stdout).toContain(`evil${SHOWN}`);
    const info = outputs[3]!.stdout;
    for (const shown of [`mallory${SHOWN}`, `nice\\u202eevil\\x9b2J${SHOWN}`, `because${SHOWN}`, `https://api.example.com/${SHOWN}`]) {
      expect(info).toContain(shown);
    }
    // The JSON still reads back as the manifest's own strings.
    expect(JSON.parse(outputs[4]!.stdout).manifest.description).toBe(manifest.description);
  });

  test("a plugin's error and its OnInit error are shown escaped", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const failing = { name: "failing", answers: { metadata_agent_get_artist_biography: { error: `no${HOSTILE}` } } };
    await nd(["plugin", "install", await packageFile(dir, failing), "--folder", folder]);
    const call = await nd(["plugin", "call", "failing", "MetadataAgent.GetArtistBiography", "--folder", folder]);
    expect(call.code).toBe(1);
    expect(call.stderr).toContain(`no${SHOWN}`);
    expect(call.stderr).not.toMatch(CONTROL);

    const initFailing = {
      ...strictPlugin,
      name: "init-failing",
      body: strictPlugin.body.replace('"config given"', `"${watBytes(new TextEncoder().encode(`given${HOSTILE}`))}"`).replace("0x8000000c", "0x80000013"),
    };
    await nd(["plugin", "install", await packageFile(dir, initFailing), "--folder", folder]);
    writeFileSync(join(dir, "nd.toml"), `[PluginConfig.init-failing]\nkey = "v"\n`);
    const args = ["plugin", "call", "init-failing", "MetadataAgent.GetArtistBiography", "--folder", folder, "--config", join(dir, "nd.toml")];
    const configured = await nd(args);
    expect(configured.stderr).toBe(`nd: warning: plugin "init-failing": OnInit failed (the plugin stays loaded): given${SHOWN}\n`);
  });
});
