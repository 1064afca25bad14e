// Generation-2 host services through `nd plugin call --export`, driven by real Go code: examples/go-gen2-testbed.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig, startServer } from "@nd/cli";
import { goAvailableFor } from "@nd/testing";
import { afterEach, describe, expect, test } from "vitest";
import { startDemoSubsonic, type DemoSubsonic } from "../src/demo/subsonic.js";
import { rawRequest } from "./support/http.js";
import { nd, workspace } from "./support/nd.js";

const testbed = fileURLToPath(new URL("../../../examples/go-gen2-testbed/go-gen2-testbed.ndp", import.meta.url));
const goTest = goAvailableFor("the generation-2 testbed CLI tests (they use examples/go-gen2-testbed)") ? test : test.skip;

const subsonics: DemoSubsonic[] = [];
afterEach(async () => {
  await Promise.all(subsonics.splice(0).map((server) => server.close()));
});

/** A plugins folder holding the testbed as testbed.ndp, and a config whose DataFolder is the workspace's. */
function setUp(extraToml = "") {
  const dir = workspace();
  const folder = join(dir, "plugins");
  mkdirSync(folder);
  copyFileSync(testbed, join(folder, "testbed.ndp"));
  const config = join(dir, "nd.toml");
  writeFileSync(config, `DataFolder = "${join(dir, "data")}"\nShareURL = "http://music.test"\n${extraToml}`);
  const call = async (exportName: string, input: unknown) => {
    const result = await nd(["plugin", "call", "testbed", "--export", exportName, JSON.stringify(input), "--folder", folder, "--config", config]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };
  return { dir, call };
}

describe("the Go testbed through nd plugin call --export", () => {
  goTest("kvstore state lives in <DataFolder>/plugin-state/<id>/ and outlives the process; nd_on_init's deliveries are recorded in order", async () => {
    const { dir, call } = setUp();

    expect(await call("nd_test_kvstore", { operation: "set", key: "greeting", value: Buffer.from("hello").toString("base64") })).toEqual({});
    expect(await call("nd_test_kvstore", { operation: "get", key: "greeting" })).toEqual({ value: Buffer.from("hello").toString("base64"), exists: true });
    expect(existsSync(join(dir, "data", "plugin-state", "testbed"))).toBe(true);

    const events = await call("nd_test_kvstore", { operation: "list", prefix: "event:" });
    // One nd_on_init per load: each of the three calls above loaded the plugin once.
    expect(events.keys).toHaveLength(3);
    expect(events.keys.every((key: string) => key.endsWith(":nd_on_init"))).toBe(true);
    expect([...events.keys].sort()).toEqual(events.keys);
  });

  goTest("[PluginConfig.<id>] reaches config_get and config_keys flattened as Navidrome does", async () => {
    const { call } = setUp(`[PluginConfig.testbed]\nlimit = 30\nhosts = ["a", "b"]\nname = "x"\n`);

    expect(await call("nd_test_config", { operation: "get", key: "limit" })).toEqual({ value: "30", exists: true });
    expect(await call("nd_test_config", { operation: "get", key: "hosts" })).toEqual({ value: '["a","b"]', exists: true });
    expect(await call("nd_test_config", { operation: "get_int", key: "limit" })).toEqual({ value: 30, exists: true });
    expect(await call("nd_test_config", { operation: "list", prefix: "" })).toEqual({ keys: ["hosts", "limit", "name"] });
    expect(await call("nd_test_kernel_config", { key: "name" })).toEqual({ value: "x", exists: true });
  });

  goTest("[PluginAccess.<id>] scopes the users service, answered by the [Subsonic] server", async () => {
    const subsonic = await startDemoSubsonic();
    subsonics.push(subsonic);
    const users = Object.entries(subsonic.config.users)
      .map(([name, account]) => `[Subsonic.Users.${name}]\nPassword = "${account.password}"\nAdmin = ${account.admin}\n`)
      .join("");
    const subsonicToml = `[Subsonic]\nURL = "${subsonic.url}"\n${users}`;

    const all = setUp(`${subsonicToml}[PluginAccess.testbed]\nUsers = "all"\n`);
    expect(await all.call("nd_test_users", { operation: "get_users" })).toEqual({
      result: [
        { userName: "demo", name: "demo", isAdmin: false },
        { userName: "admin", name: "admin", isAdmin: true },
      ],
    });
    expect(await all.call("nd_test_users", { operation: "get_admins" })).toEqual({ result: [{ userName: "admin", name: "admin", isAdmin: true }] });

    const one = setUp(`${subsonicToml}[PluginAccess.testbed]\nUsers = ["demo"]\n`);
    expect(await one.call("nd_test_users", { operation: "get_users" })).toEqual({ result: [{ userName: "demo", name: "demo", isAdmin: false }] });
  });

  goTest("an error set by the plugin fails the call whatever the return code; -2 is not implemented", async () => {
    const { dir } = setUp();
    const folder = join(dir, "plugins");
    const config = join(dir, "nd.toml");
    const failed = await nd(["plugin", "call", "testbed", "--export", "nd_test_error", '{"message":"broken on purpose","rc":0}', "--folder", folder, "--config", config]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/\nnd: plugin testbed: .*broken on purpose/);
    const notImplemented = await nd(["plugin", "call", "testbed", "--export", "nd_test_return", '{"rc":-2}', "--folder", folder, "--config", config]);
    expect(notImplemented.code).toBe(1);
    expect(notImplemented.stderr).toMatch(/nd: plugin testbed: .*not implemented/i);
  });

  goTest("nd serve sends a scrobble to it like to any Scrobbler; the plugin saw generation 2's request", async () => {
    const { dir, call } = setUp();
    const config = join(dir, "nd.toml");
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    const server = await startServer({ folder: join(dir, "plugins"), config: parseConfig(readFileSync(config, "utf8"), config), port: 0, logger, workers: 1 });
    let answer;
    try {
      const body = JSON.stringify({ username: "demo", timestamp: 1700000000, track: { id: "so-what", name: "So What", album: "Kind of Blue", artists: [{ name: "Miles Davis" }], length: 545 } });
      answer = await rawRequest(`${server.url}/api/scrobble`, { method: "POST", headers: { "content-type": "application/json" }, body });
    } finally {
      await server.close();
    }
    expect(JSON.parse(answer.text)).toEqual({ results: [{ plugin: "testbed", status: "sent" }] });
    const { keys } = await call("nd_test_kvstore", { operation: "list", prefix: "event:" });
    const scrobbled = keys.find((key: string) => key.endsWith(":nd_scrobbler_scrobble"));
    const { value } = await call("nd_test_kvstore", { operation: "get", key: scrobbled });
    expect(JSON.parse(Buffer.from(value, "base64").toString())).toMatchObject({ username: "demo", timestamp: 1700000000, track: { id: "so-what", title: "So What", album: "Kind of Blue" } });
  });

  goTest("nd serve shows the SQLite store and the plugin's share of it on the status page and in /metrics", async () => {
    const { dir, call } = setUp();
    await call("nd_test_kvstore", { operation: "set", key: "greeting", value: Buffer.from("hello").toString("base64") });
    const config = join(dir, "nd.toml");
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    const server = await startServer({ folder: join(dir, "plugins"), config: parseConfig(readFileSync(config, "utf8"), config), port: 0, logger, workers: 1 });
    let page: string;
    let metrics: string;
    let keys: string[];
    try {
      keys = JSON.parse((await rawRequest(`${server.url}/api/plugins/testbed/exports/nd_test_kvstore`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"operation":"list","prefix":""}' })).text).keys;
      page = (await rawRequest(`${server.url}/`)).text;
      metrics = (await rawRequest(`${server.url}/metrics`)).text;
    } finally {
      await server.close();
    }
    expect(page).toContain(`Plugin state: SQLite files at <code>${join(dir, "data", "plugin-state")}</code>.`);
    expect(page).toMatch(new RegExp(`<tr data-plugin="testbed"><td>testbed</td><td class="keys">${keys.length}</td>`));
    expect(metrics).toMatch(/^nd_store_info\{kind="sqlite"\} 1$/m);
    expect(metrics).toContain(`nd_plugin_kvstore_keys{plugin="testbed"} ${keys.length}\n`);
    expect(metrics).toMatch(/^nd_plugin_kvstore_bytes\{plugin="testbed"\} [1-9]\d*$/m);
    expect(metrics).toContain('nd_plugin_tasks{plugin="testbed",state="running"} 0\n');
  });

  goTest("nd plugin remove deletes <DataFolder>/plugin-state/<id>/ when confirmed on a terminal, keeps it with --keep-data, and never touches another plugin's", async () => {
    const { dir, call } = setUp();
    const folder = join(dir, "plugins");
    const config = join(dir, "nd.toml");
    const state = (id: string) => join(dir, "data", "plugin-state", id);
    await call("nd_test_kvstore", { operation: "set", key: "k", value: "" });
    copyFileSync(testbed, join(folder, "other.ndp"));
    expect((await nd(["plugin", "call", "other", "--export", "nd_test_echo", "{}", "--folder", folder, "--config", config])).code).toBe(0);
    expect(existsSync(state("other"))).toBe(true);

    const terminal = Object.assign((async function* () { yield "y\n"; })(), { isTTY: true });
    const confirmed = await nd(["plugin", "remove", "testbed", "--folder", folder, "--config", config], { stdin: terminal });
    expect(confirmed.stderr).toBe(`delete the stored data of "testbed" (${state("testbed")})? [y/N] `);
    expect(confirmed.stdout).toBe(`deleted the stored data of testbed (${state("testbed")})\nremoved testbed (${join(folder, "testbed.ndp")})\n`);
    expect(existsSync(state("testbed"))).toBe(false);
    expect(existsSync(state("other"))).toBe(true);

    expect(await nd(["plugin", "remove", "other", "--keep-data", "--folder", folder, "--config", config])).toMatchObject({ code: 0, stderr: "" });
    expect(existsSync(state("other"))).toBe(true);
  });
});
