import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeNdp } from "@nd/ndp";
import { goAvailableFor } from "@nd/testing";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { nd, workspace } from "./support/nd.js";

const agentWasm = fileURLToPath(new URL("../../../examples/go-gen2-agent/plugin.wasm", import.meta.url));
// The Go example is built only when the build had a Go compiler.
const goTest = goAvailableFor("the generation-2 CLI tests (they use examples/go-gen2-agent)") ? test : test.skip;

/** go-gen2-agent's module with a manifest that lets it reach the local stand-in for Wikipedia. */
function agentManifest(version: string) {
  return {
    name: "Agent under test",
    author: "nd tests",
    version,
    permissions: { http: { reason: "the local Wikipedia", requiredHosts: ["127.0.0.1"] }, cache: {} },
    config: { schema: { type: "object", properties: { wikipedia_url: { type: "string" } } } },
  };
}

async function agentPackage(dir: string, version: string, manifest: object = agentManifest(version)): Promise<string> {
  const file = join(dir, `agent-${version}.ndp`);
  await writeNdp({ manifest: manifest as never, wasm: readFileSync(agentWasm) }, file);
  return file;
}

let wikipedia: Server;
let wikipediaUrl: string;
const asked: string[] = [];

beforeEach(async () => {
  asked.length = 0;
  wikipedia = createServer((request, response) => {
    asked.push(request.url ?? "");
    const found = request.url === "/api/rest_v1/page/summary/Nina_Simone";
    response.writeHead(found ? 200 : 404, { "content-type": "application/json" });
    response.end(JSON.stringify(found ? { extract: "American singer.", content_urls: { desktop: { page: "http://wiki/Nina" } } } : {}));
  });
  await new Promise<void>((resolve) => wikipedia.listen(0, "127.0.0.1", resolve));
  wikipediaUrl = `http://127.0.0.1:${(wikipedia.address() as AddressInfo).port}`;
});

afterEach(async () => {
  wikipedia.closeAllConnections();
  await new Promise<void>((resolve) => wikipedia.close(() => resolve()));
});

describe("generation-2 plugins through nd plugin", () => {
  goTest("install places <id>.ndp, read in place; list and info show generation 2 and the detected capabilities", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const installed = await nd(["plugin", "install", await agentPackage(dir, "1.0.0"), "--folder", folder]);
    expect(installed).toMatchObject({ code: 0, stdout: `installed agent 1.0.0 (generation 2) as ${join(folder, "agent.ndp")}\n` });
    expect(existsSync(join(folder, "agent.ndp"))).toBe(true);

    const list = await nd(["plugin", "list", "--folder", folder]);
    expect(list.stdout).toMatch(/^NAME +GEN +VERSION.*\nagent +2 +1\.0\.0 +MetadataAgent,Lifecycle +http,cache +ready\n$/);

    const info = JSON.parse((await nd(["plugin", "info", "agent", "--folder", folder, "--json"])).stdout);
    expect(info).toMatchObject({ generation: 2, capabilities: ["MetadataAgent", "Lifecycle"], problems: [] });
    expect(info.permissions).toContainEqual({ name: "http", reason: "the local Wikipedia", requiredHosts: ["127.0.0.1"] });
  });

  goTest("call --export runs the export with the raw input and [PluginConfig.<id>], and prints its raw output", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await nd(["plugin", "install", await agentPackage(dir, "1.0.0"), "--folder", folder]);
    const config = join(dir, "nd.toml");
    writeFileSync(config, `[PluginConfig.agent]\nwikipedia_url = "${wikipediaUrl}"\n`);

    const call = await nd(["plugin", "call", "agent", "--export", "nd_get_artist_biography", '{"id":"1","name":"Nina Simone"}', "--folder", folder, "--config", config]);

    // The plugin's own log lines (here nd_on_init's, which ran first with the same config) go to stderr.
    const initLog = `[agent] ready: MusicBrainz at https://musicbrainz.org, Wikipedia at ${wikipediaUrl}\n`;
    expect(call).toEqual({ code: 0, stdout: '{"biography":"American singer."}\n', stderr: initLog });
    expect(asked).toEqual(["/api/rest_v1/page/summary/Nina_Simone"]);
  });

  goTest("a failing export is one line naming the plugin; a host outside requiredHosts is refused before any request", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await nd(["plugin", "install", await agentPackage(dir, "1.0.0"), "--folder", folder]);

    const refused = await nd(["plugin", "call", "agent", "--export", "nd_get_artist_biography", '{"name":"Nina Simone"}', "--folder", folder]);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\nnd: plugin agent: .*en\.wikipedia\.org is not in .*requiredHosts.*\n$/);
    expect(asked).toEqual([]);
  });

  goTest("update replaces <id>.ndp (the ID stays, the version changes); remove deletes it", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await nd(["plugin", "install", await agentPackage(dir, "1.0.0"), "--folder", folder]);

    const updated = await nd(["plugin", "update", await agentPackage(dir, "1.1.0"), "--folder", folder]);
    expect(updated).toMatchObject({ code: 0, stdout: "updated agent to 1.1.0 (was 1.0.0)\n" });
    expect((await nd(["plugin", "list", "--folder", folder])).stdout).toMatch(/\nagent +2 +1\.1\.0 /);

    expect(await nd(["plugin", "remove", "agent", "--folder", folder])).toMatchObject({ code: 0, stdout: `removed agent (${join(folder, "agent.ndp")})\n` });
    expect(existsSync(join(folder, "agent.ndp"))).toBe(false);
  });

  goTest("install --id names the plugin; an ID that cannot be a file name is refused", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const file = await agentPackage(dir, "1.0.0");

    expect(await nd(["plugin", "install", file, "--id", "wiki", "--folder", folder])).toMatchObject({ code: 0 });
    expect(existsSync(join(folder, "wiki.ndp"))).toBe(true);
    const refused = await nd(["plugin", "install", file, "--id", "../escape", "--folder", folder]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('must not contain "/"');
  });

  goTest("validate: a package or folder by the host's rules, an installed plugin's [PluginConfig.<id>] by its config form", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const file = await agentPackage(dir, "1.0.0");
    expect(await nd(["plugin", "validate", file, "--folder", folder])).toEqual({ code: 0, stdout: "Agent under test (generation 2): valid\n", stderr: "" });

    const scheduling = { ...agentManifest("1.0.0"), permissions: { ...agentManifest("1.0.0").permissions, scheduler: {} } };
    const refused = await nd(["plugin", "validate", await agentPackage(dir, "2.0.0", scheduling), "--json"]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ generation: 2, valid: false, problems: [expect.stringContaining("nd_scheduler_callback")] });

    await nd(["plugin", "install", file, "--folder", folder]);
    const config = join(dir, "nd.toml");
    writeFileSync(config, "[PluginConfig.agent]\nwikipedia_url = 5\n");
    const badConfig = await nd(["plugin", "validate", "agent", "--folder", folder, "--config", config]);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stdout).toMatch(/^agent \(generation 2\): invalid\n {2}\[PluginConfig\.agent\]\/wikipedia_url: .*string/);
    expect(badConfig.stderr).toBe("nd: agent would not load as it is (1 problem)\n");
  });

  goTest("call <id> Capability.Method works on a generation-2 plugin through the runtime's client; a method it lacks says to use --export", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await nd(["plugin", "install", await agentPackage(dir, "1.0.0"), "--folder", folder]);
    const config = join(dir, "nd.toml");
    writeFileSync(config, `[PluginConfig.agent]\nwikipedia_url = "${wikipediaUrl}"\n`);

    const call = await nd(["plugin", "call", "agent", "MetadataAgent.GetArtistBiography", '{"name":"Nina Simone"}', "--folder", folder, "--config", config]);
    expect(call).toMatchObject({ code: 0, stdout: '{\n  "biography": "American singer."\n}\n' });

    const lacking = await nd(["plugin", "call", "agent", "Scrobbler.IsAuthorized", '{"username":"u"}', "--folder", folder, "--config", config]);
    expect(lacking).toMatchObject({ code: 1, stderr: expect.stringContaining("nd: plugin agent is a generation-2 plugin without Scrobbler.IsAuthorized; call one of its exports with --export") });
  });
});
