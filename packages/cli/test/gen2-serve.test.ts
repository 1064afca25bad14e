import { mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig, startServer, type RunningServer } from "@nd/cli";
import { writeNdp } from "@nd/ndp";
import { goAvailableFor } from "@nd/testing";
import { afterEach, describe, expect, test } from "vitest";
import { rawRequest } from "./support/http.js";
import { workspace } from "./support/nd.js";

const agentWasm = fileURLToPath(new URL("../../../examples/go-gen2-agent/plugin.wasm", import.meta.url));
const goTest = goAvailableFor("the generation-2 nd serve tests (they use examples/go-gen2-agent)") ? test : test.skip;

const NINA_MBID = "mbid-nina";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** MusicBrainz and Wikipedia stand-ins answering for Nina Simone only. */
function upstream(): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://upstream");
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === "/ws/2/artist") return json(200, { artists: url.searchParams.get("query")?.includes("Nina") ? [{ id: NINA_MBID }] : [] });
    if (url.pathname === `/ws/2/artist/${NINA_MBID}`) return json(200, { relations: [{ "target-type": "artist", artist: { id: "mbid-miles", name: "Miles Davis" } }] });
    if (url.pathname === "/api/rest_v1/page/summary/Nina_Simone") return json(200, { extract: "American singer." });
    return json(404, {});
  });
}

function agentManifest(version: string) {
  return {
    name: "Agent under test",
    author: "nd tests",
    version,
    permissions: { http: { requiredHosts: ["127.0.0.1"] }, cache: {} },
    config: { schema: { type: "object", properties: { wikipedia_url: { type: "string", title: "Wikipedia base URL" } } } },
  };
}

async function serveAgent(): Promise<RunningServer> {
  const dir = workspace();
  const folder = join(dir, "plugins");
  const upstreamUrl = await listening(upstream());
  mkdirSync(folder);
  await writeNdp({ manifest: agentManifest("1.0.0"), wasm: readFileSync(agentWasm) }, join(folder, "agent.ndp"));
  const toml = `[PluginConfig.agent]\nmusicbrainz_url = "${upstreamUrl}"\nwikipedia_url = "${upstreamUrl}"\n`;
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const server = await startServer({ folder, config: parseConfig(toml, join(dir, "nd.toml")), port: 0, logger, workers: 1, pollIntervalMs: 100 });
  cleanups.push(() => server.close());
  return server;
}

describe("nd serve with a generation-2 plugin (an .ndp read in place)", () => {
  goTest("the agents chain asks it through its nd_* exports, in generation 1's answer shape", async () => {
    const server = await serveAgent();

    const artist = JSON.parse((await rawRequest(`${server.url}/api/artist?name=Nina%20Simone`)).text);

    expect(artist.mbid).toEqual({ plugin: "agent", value: NINA_MBID });
    expect(artist.biography).toEqual({ plugin: "agent", value: "American singer." });
    expect(artist.similar).toEqual({ plugin: "agent", value: [{ name: "Miles Davis", mbid: "mbid-miles" }] });
    // Not exported (nd_get_artist_url) is "ask the next one", not a failure.
    expect(artist.url).toBeUndefined();
    expect(artist.failures).toEqual([]);
  });

  goTest("/api/plugins, the status page and /metrics show it with its ID and generation", async () => {
    const server = await serveAgent();
    await rawRequest(`${server.url}/api/artist?name=Nina%20Simone`);

    const [plugin] = JSON.parse((await rawRequest(`${server.url}/api/plugins`)).text);
    expect(plugin).toMatchObject({ name: "agent", generation: 2, displayName: "Agent under test", state: "loaded", capabilities: ["MetadataAgent", "Lifecycle"] });

    const page = (await rawRequest(`${server.url}/`)).text;
    expect(page).toContain('data-plugin="agent" data-generation="2"');
    expect(page).toContain("generation 2");
    // The call form offers its capabilities' exports, which the page's script posts to /exports/.
    expect(page).toMatch(/<option value="agent" data-methods="nd_get_artist_mbid [^"]*nd_get_artist_biography[^"]* nd_on_init">agent<\/option>/);
    expect(page).toMatch(/<legend>Config form \(read-only: set values in \[PluginConfig\.agent\]\)<\/legend><label>Wikipedia base URL <code>wikipedia_url<\/code> \(string\) <input name="wikipedia_url" value="" readonly><\/label>/);

    const metrics = (await rawRequest(`${server.url}/metrics`)).text;
    expect(metrics).toMatch(/nd_plugin_calls_total\{plugin="agent",method="nd_get_artist_biography",outcome="ok"\} 1\n/);
  });

  goTest("POST /api/plugins/<id>/exports/<nd_*> calls one export with its JSON input and answers its output", async () => {
    const server = await serveAgent();
    const post = (path: string, body: string) => rawRequest(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });

    const answer = await post("/api/plugins/agent/exports/nd_get_artist_biography", '{"id":"1","name":"Nina Simone"}');
    expect({ status: answer.status, body: JSON.parse(answer.text) }).toEqual({ status: 200, body: { biography: "American singer." } });

    expect((await post("/api/plugins/agent/exports/nd_get_artist_url", "{}")).status).toBe(404);
    // Only nd_* exports are reachable: the module's internals are not an API.
    expect((await post("/api/plugins/agent/exports/_initialize", "{}")).status).toBe(404);
  });

  goTest("a replaced <id>.ndp is reloaded and a new one is loaded, as the folder changes", async () => {
    const server = await serveAgent();
    // A plugin's manifest is known while it is still loading: wait for both.
    const versions = async () => Object.fromEntries(server.plugins().map((plugin) => [plugin.id, `${plugin.manifest?.version} ${plugin.state}`]));

    await writeNdp({ manifest: agentManifest("2.0.0"), wasm: readFileSync(agentWasm) }, join(server.folder, "agent.ndp"));
    await writeNdp({ manifest: agentManifest("1.0.0"), wasm: readFileSync(agentWasm) }, join(server.folder, "other.ndp"));

    const expected = JSON.stringify({ agent: "2.0.0 loaded", other: "1.0.0 loaded" });
    while (JSON.stringify(await versions()) !== expected) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.plugins().map((plugin) => [plugin.id, plugin.state])).toEqual([["agent", "loaded"], ["other", "loaded"]]);
  });
});
