import { cpSync, existsSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDemo, type RunningDemo } from "@nd/cli";
import { goAvailableFor } from "@nd/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { nd, silent } from "./support/nd.js";

const examples = fileURLToPath(new URL("../../../examples", import.meta.url));
// The Go examples are built, and so installed, only when the build had a Go compiler.
const goExamples = goAvailableFor("the demo's Go examples (go-coverart, go-echo, go-live-events)");
const goTest = test.skipIf(!goExamples);
let demo: RunningDemo;
let dataFolder: string;

async function get(path: string) {
  const response = await fetch(demo.server.url + path);
  return { status: response.status, body: await response.json() };
}

async function post(path: string, body: unknown) {
  const response = await fetch(demo.server.url + path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  return { status: response.status, body: await response.json() };
}

async function eventually(check: () => void | Promise<void>): Promise<void> {
  for (;;) {
    try {
      return await check();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe("nd serve --demo", () => {
  beforeAll(async () => {
    dataFolder = mkdtempSync(join(tmpdir(), "nd-demo-test-"));
    demo = await startDemo({ examplesFolder: examples, dataFolder, port: 0, logger: silent });
  }, 120_000);
  afterAll(async () => {
    await demo?.close();
    await rm(dataFolder, { recursive: true, force: true });
  });

  test("installs every built example and loads it", () => {
    // The AssemblyScript generation-2 example is served when the workspace has it.
    const gen2AssemblyScript = existsSync(join(examples, "as-gen2-lyrics", "plugin.wasm")) ? ["as-gen2-lyrics"] : [];
    const assemblyScript = ["as-echo", ...gen2AssemblyScript, "as-metadata-agent", "as-scrobbler", "as-subsonic-relay"];
    expect(demo.installed).toEqual([...assemblyScript, ...(goExamples ? ["go-coverart", "go-echo", "go-gen2-agent", "go-live-events"] : [])]);
    expect(demo.server.plugins().map((plugin) => [plugin.id, plugin.state])).toEqual(demo.installed.map((name) => [name, "loaded"]));
    expect(demo.instructions).toContain(`curl -s ${demo.server.url}/api/plugins`);
  });

  test("an artist comes from the MusicBrainz and Wikipedia agent, through the fake upstreams", async () => {
    const { status, body } = await get("/api/artist?name=Nina%20Simone");
    expect(status).toBe(200);
    expect(body.mbid).toEqual({ plugin: "as-metadata-agent", value: "0f0b1e4c-1111-4c1a-9c57-6f9d2a6b1a01" });
    expect(body.biography).toMatchObject({ plugin: "as-metadata-agent", value: expect.stringContaining("Nina Simone was") });
    expect(body.similar.value).toEqual([{ name: "Miles Davis", mbid: "0f0b1e4c-2222-4c1a-9c57-6f9d2a6b1a02" }]);
    // An artist the upstreams do not know falls through to the last agent.
    expect((await get("/api/artist?name=Nobody")).body.biography).toEqual({ plugin: "as-echo", value: "bio of Nobody" });
  });

  goTest("album images come from the Cover Art Archive agent, asked first, with the MBID another agent found", async () => {
    const { body } = await get("/api/album?name=Kind%20of%20Blue&artist=Miles%20Davis");
    expect(body.info).toMatchObject({ plugin: "as-metadata-agent", value: { mbid: "3c0b1e4c-3333-4c1a-9c57-6f9d2a6b1a03" } });
    expect(body.images.plugin).toBe("go-coverart");
    expect(body.images.value[0]).toMatchObject({ size: 500 });
  });

  test("a scrobble reaches the fake ListenBrainz and, relayed, the demo Subsonic server", async () => {
    const before = demo.upstreams.listens.length;
    const track = { id: "so-what", name: "So What", artists: [{ name: "Miles Davis" }] };
    const { body } = await post("/api/scrobble", { username: "demo", track });
    expect(body.results).toEqual([
      { plugin: "as-scrobbler", status: "sent" },
      { plugin: "as-subsonic-relay", status: "sent" },
    ]);
    expect(demo.upstreams.listens.length).toBe(before + 1);
    expect(JSON.stringify(demo.upstreams.listens.at(-1))).toContain("So What");
    expect(demo.subsonic.requests.at(-1)).toMatchObject({ endpoint: "scrobble", params: { u: "demo", id: "so-what", submission: "true" } });
  });

  test("a Subsonic ping goes from the plugin through nd serve to the demo Subsonic server, offline", async () => {
    const { status, body } = await post("/api/plugins/as-subsonic-relay/call/Scrobbler.IsAuthorized", { username: "demo" });
    expect(status).toBe(200);
    expect(body).toEqual({ authorized: true });
    const ping = demo.subsonic.requests.filter((request) => request.endpoint === "ping").at(-1)!;
    expect(ping.params).toMatchObject({ u: "demo", c: "as-subsonic-relay", f: "json", v: "1.16.1" });
    // "admin" is in the plugin's Users, but the host refuses calls as an admin: its permission does not allow admins.
    const admin = await post("/api/plugins/as-subsonic-relay/call/Scrobbler.IsAuthorized", { username: "admin" });
    expect(admin).toEqual({ status: 200, body: {} }); // authorized: false, the default, is left out of the JSON
    expect(demo.subsonic.requests.filter((request) => request.params.u === "admin")).toEqual([]);
    const listed = await (await fetch(`${demo.subsonic.url}/demo/requests`)).json();
    expect(listed).toEqual(demo.subsonic.requests);
  });

  goTest("the live-events plugin answers the WebSocket server's ping", async () => {
    await eventually(() => expect(demo.upstreams.eventMessages).toContain("pong"));
  });

  test("nd plugin call works on the installed examples", async () => {
    const folder = join(dataFolder, "plugins");
    const call = await nd(["plugin", "call", "as-echo", "MetadataAgent.GetArtistMBID", '{"name":"Nina"}', "--folder", folder]);
    expect(JSON.parse(call.stdout)).toEqual({ mbid: "mbid-of-Nina" });
    // Without its config, as-scrobbler's OnInit fails (a warning: the plugin stays loaded) and so does the call, naming the key.
    const scrobbler = await nd(["plugin", "call", "as-scrobbler", "Scrobbler.IsAuthorized", "{}", "--folder", folder]);
    expect(scrobbler).toMatchObject({ code: 1, stderr: expect.stringContaining("api_token") });
    // It has the config permission and no settings: the message says where they go.
    expect(scrobbler.stderr).toContain("(no [PluginConfig.as-scrobbler] in the config, and it may read settings: give them in a TOML file with --config)\n");
    // A capability the plugin does not declare is named as such, with what it declares; no error class names.
    const undeclared = await nd(["plugin", "call", "as-echo", "Scrobbler.Scrobble", "{}", "--folder", folder]);
    expect(undeclared).toMatchObject({
      code: 1,
      stderr: "nd: plugin as-echo: Scrobbler.Scrobble: as-echo does not declare Scrobbler in its manifest's capabilities (it declares MetadataAgent)\n",
    });
  });

  goTest("nd plugin call works on the installed Go examples", async () => {
    const coverart = await nd(["plugin", "call", "go-coverart", "MetadataAgent.GetAlbumImages", '{"mbid":"not-an-id"}', "--folder", join(dataFolder, "plugins")]);
    expect(coverart).toMatchObject({ code: 1, stderr: expect.stringMatching(/^nd: plugin go-coverart: MetadataAgent\.GetAlbumImages: no answer \(plugin:not_found\) \(no \[PluginConfig\.go-coverart\]/) });
  });
});

test("the demo prints curl lines only for what it installed: no live-events line without go-live-events", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nd-demo-partial-"));
  try {
    const partial = join(dir, "examples");
    cpSync(join(examples, "as-echo"), join(partial, "as-echo"), { recursive: true, filter: (source) => !source.includes("node_modules") });
    const only = await startDemo({ examplesFolder: partial, dataFolder: join(dir, "data"), port: 0, logger: silent });
    try {
      expect(only.installed).toEqual(["as-echo"]);
      expect(only.instructions).toContain("/api/plugins/as-echo/call/MetadataAgent.GetArtistBiography");
      expect(only.instructions).not.toContain("/demo/events");
    } finally {
      await only.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
