// What nd serve takes from its config for the artwork and subsonicapi services: ShareURL,
// a kept artwork secret, and [Subsonic], the server that plugins' Subsonic calls go to.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig, startServer, type RunningServer } from "@nd/cli";
import { afterEach, describe, expect, test } from "vitest";
import { nd, packageFile, workspace } from "./support/nd.js";

const relayPackage = fileURLToPath(new URL("../../../examples/as-subsonic-relay/as-subsonic-relay.ndp", import.meta.url));

const servers: RunningServer[] = [];
const upstreams: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(upstreams.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function memoryLogger() {
  const warnings: string[] = [];
  return { warnings, logger: { debug() {}, info() {}, error() {}, warn: (message: string) => void warnings.push(message) } };
}

async function serve(dir: string, toml: string, logger = memoryLogger().logger) {
  const config = parseConfig(`DataFolder = "data"\n${toml}`, join(dir, "nd.toml"));
  const server = await startServer({ config, port: 0, logger, workers: 1 });
  servers.push(server);
  return server;
}

async function call(server: RunningServer, plugin: string, target: string, body: unknown) {
  const response = await fetch(`${server.url}/api/plugins/${plugin}/call/${target}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** A MetadataAgent whose GetArtistURL asks the artwork service for an album URL: `{ id }` is the album's id. */
const artworkPlugin = {
  name: "cover-links",
  permissions: { artwork: {} },
  imports: `(import "env" "get_album_url" (func $get_album_url (param i32 i32) (result i64)))`,
  // GetArtistURLRequest{id=1} reads as GetArtworkUrlRequest{id=1}; GetArtworkUrlResponse{url=1} as ArtistURLResponse{url=1}.
  body: `(func (export "metadata_agent_get_artist_url") (param $ptr i32) (param $len i32) (result i64)
           (call $get_album_url (local.get $ptr) (local.get $len)))`,
};

describe("nd serve: artwork", () => {
  test("without ShareURL, an artwork plugin loads, its URLs start with http://localhost, and one warning says so", async () => {
    const dir = workspace();
    await nd(["plugin", "install", await packageFile(dir, artworkPlugin), "--folder", join(dir, "data", "plugins")]);
    const { logger, warnings } = memoryLogger();
    const server = await serve(dir, "", logger);
    expect(server.plugins().map((plugin) => [plugin.name, plugin.state])).toEqual([["cover-links", "loaded"]]);
    const { body } = await call(server, "cover-links", "MetadataAgent.GetArtistURL", { id: "al-1" });
    expect(body.url).toMatch(/^http:\/\/localhost\/share\/img\/[\w-]+\.[\w-]+$/);
    expect(warnings.filter((line) => line.includes("artwork"))).toEqual([
      "artwork URLs start with http://localhost: no artwork.baseUrl (ShareURL) is configured",
    ]);
  });

  test("ShareURL's scheme and host are the base (its path is not used); the generated secret is kept in the data folder, mode 0600, across restarts", async () => {
    const dir = workspace();
    await nd(["plugin", "install", await packageFile(dir, artworkPlugin), "--folder", join(dir, "data", "plugins")]);
    const toml = `ShareURL = "https://music.example.com/nd"\n`;
    const first = await serve(dir, toml);
    const { body } = await call(first, "cover-links", "MetadataAgent.GetArtistURL", { id: "al-1" });
    expect(body.url).toMatch(/^https:\/\/music\.example\.com\/share\/img\//);
    const secretFile = join(dir, "data", "artwork-secret");
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(secretFile, "utf8");
    await first.close();
    const second = await serve(dir, toml);
    expect((await call(second, "cover-links", "MetadataAgent.GetArtistURL", { id: "al-1" })).body.url).toBe(body.url);
    expect(readFileSync(secretFile, "utf8")).toBe(secret);
  });

  test("an ArtworkSecret in the config is used and nothing is written", async () => {
    const dir = workspace();
    await nd(["plugin", "install", await packageFile(dir, artworkPlugin), "--folder", join(dir, "data", "plugins")]);
    await serve(dir, `ArtworkSecret = "a configured secret of enough bytes"\n`);
    expect(() => statSync(join(dir, "data", "artwork-secret"))).toThrow(/ENOENT/);
  });
});

/** A Subsonic server on 127.0.0.1 that checks token authentication for user "nina" and answers ping. */
async function subsonicServer() {
  const seen: URLSearchParams[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    seen.push(url.searchParams);
    const token = createHash("md5").update(`nina's password${url.searchParams.get("s")}`).digest("hex");
    const ok = url.pathname === "/music/rest/ping" && url.searchParams.get("u") === "nina" && url.searchParams.get("t") === token;
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ "subsonic-response": ok ? { status: "ok", version: "1.16.1" } : { status: "failed", error: { code: 40 } } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  upstreams.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/music`, seen };
}

describe("nd serve: subsonicapi", () => {
  test("a plugin's Subsonic ping is forwarded to the [Subsonic] server with token authentication", async () => {
    const dir = workspace();
    const subsonic = await subsonicServer();
    await nd(["plugin", "install", relayPackage, "--folder", join(dir, "data", "plugins")]);
    const server = await serve(
      dir,
      [
        `[Subsonic]`,
        `URL = "${subsonic.url}"`,
        `[Subsonic.Users.nina]`,
        `Password = "nina's password"`,
        `[PluginConfig.as-subsonic-relay]`,
        `Users = "Nina,stranger"`,
      ].join("\n"),
    );
    expect(await call(server, "as-subsonic-relay", "Scrobbler.IsAuthorized", { username: "nina" })).toEqual({
      status: 200,
      body: { authorized: true },
    });
    const [ping] = subsonic.seen;
    expect(Object.fromEntries(ping!)).toEqual({
      u: "nina",
      c: "as-subsonic-relay",
      f: "json",
      v: "1.16.1",
      t: expect.stringMatching(/^[0-9a-f]{32}$/),
      s: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    // A user nd serve has no account for is refused before anything is sent.
    expect((await call(server, "as-subsonic-relay", "Scrobbler.IsAuthorized", { username: "stranger" })).body).toEqual({});
    expect(subsonic.seen).toHaveLength(1);
  });

  test("OnInit's error shows in /api/plugins and the plugin still answers", async () => {
    const dir = workspace();
    await nd(["plugin", "install", relayPackage, "--folder", join(dir, "data", "plugins")]);
    const server = await serve(dir, "");
    const listed = await (await fetch(`${server.url}/api/plugins`)).json();
    expect(listed).toEqual([
      expect.objectContaining({
        name: "as-subsonic-relay",
        state: "loaded",
        initError: { kind: "PluginCallError", message: expect.stringContaining("Users is not set") },
      }),
    ]);
    expect(await call(server, "as-subsonic-relay", "Scrobbler.NowPlaying", { username: "nina", track: { id: "t" } })).toMatchObject({
      status: 502,
      body: { error: { message: expect.stringContaining("this host has no Subsonic API") } },
    });
  });
});

describe("config", () => {
  test.each([
    [`ShareURL = "ftp://x"`, /ShareURL must be an http:\/\/ or https:\/\/ URL, got "ftp:\/\/x"/],
    [`ArtworkSecret = "short"`, /ArtworkSecret must be a string of at least 16 bytes/],
    [`[Subsonic]\nUsers = {}`, /\[Subsonic\] needs URL/],
    [`[Subsonic]\nURL = "http://x"\nPort = 1`, /unknown key Subsonic.Port/],
    [`[Subsonic]\nURL = "http://x"\n[Subsonic.Users.a]\nAdmin = true`, /Subsonic.Users.a.Password must be a non-empty string/],
    [`[Subsonic]\nURL = "http://x"\n[Subsonic.Users.a]\nPassword = "p"\nAdmin = "yes"`, /Subsonic.Users.a.Admin must be true or false/],
  ])("%s is refused", (toml, message) => {
    expect(() => parseConfig(toml, "/etc/nd.toml")).toThrow(message);
  });

  test("[Subsonic] users with their passwords and admin flags", () => {
    const config = parseConfig(`[subsonic]\nurl = "http://x"\n[subsonic.users.Nina]\npassword = "p"\n[subsonic.users.root]\npassword = "q"\nadmin = true\n`, "/etc/nd.toml");
    expect(config.subsonic).toEqual({ url: "http://x", users: { Nina: { password: "p", admin: false }, root: { password: "q", admin: true } } });
  });

  test("reserved names never become prototypes: maps without one, the names ignored with a warning", () => {
    const toml = [
      `[PluginConfig.__proto__]\nvictim = "x"`,
      `[PluginConfig.constructor]\nk = "v"`,
      `[PluginConfig.mine]\nKey = "v"`,
      `[Subsonic]\nURL = "http://x"`,
      `[Subsonic.Users.__proto__]\nPassword = "p"\nAdmin = true`,
    ].join("\n");
    const config = parseConfig(toml, "/etc/nd.toml");
    expect(Object.getPrototypeOf(config.pluginConfig)).toBeNull();
    expect(Object.keys(config.pluginConfig)).toEqual(["mine"]);
    expect(config.pluginConfig["victim"]).toBeUndefined();
    expect(config.pluginConfig["mine"]).toEqual({ Key: "v" });
    expect(Object.getPrototypeOf(config.subsonic!.users)).toBeNull();
    expect(Object.keys(config.subsonic!.users)).toEqual([]);
    expect(config.warnings).toEqual([
      '/etc/nd.toml: Subsonic.Users."__proto__" is ignored: "__proto__" cannot name a table or a key',
      '/etc/nd.toml: PluginConfig."__proto__" is ignored: "__proto__" cannot name a table or a key',
      '/etc/nd.toml: PluginConfig."constructor" is ignored: "constructor" cannot name a table or a key',
    ]);
  });
});
