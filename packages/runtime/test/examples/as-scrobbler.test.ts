import { PluginCallError, type ScrobblerClient } from "@nd/runtime";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { examplePluginsFolder, fakeUpstream, localHttp, managers, type FakeUpstream, type SeenRequest } from "./support/examples.js";

const TOKEN = "good-token";

/** A ListenBrainz-like API: validates tokens and accepts listens, except from the token "rejected". */
function listenBrainz({ method, path, headers }: SeenRequest) {
  const token = headers.authorization?.replace(/^Token /, "");
  if (method === "GET" && path === "/1/validate-token") {
    if (token === TOKEN) return { body: { code: 200, valid: true, user_name: "nina" } };
    if (token === "expired") return { body: { code: 200, valid: false } };
    return { status: 401, body: { code: 401, error: "You need to provide an Authorization header." } };
  }
  if (method === "POST" && path === "/1/submit-listens") {
    if (token === "rejected") return { status: 400, body: { code: 400, error: "payload[0]: track_name is required" } };
    return { body: { status: "ok" } };
  }
  return undefined;
}

const TRACK = {
  id: "tr-1",
  mbid: "3b2f5c1e-8a4d-4e6f-9b0c-1d2e3f4a5b6c",
  name: "Sinnerman",
  album: "Pastel Blues",
  albumMbid: "1b0f0d4e-2d3c-3b8a-9c71-52d0c1e5a7f3",
  artists: [
    { name: "Nina Simone", mbid: "af7b7e05-6d4d-4d36-b4c5-4d7f2c9a8e11" },
    { name: "Sam Waymon", mbid: "" },
  ],
  length: 621,
};

/** What the plugin is expected to send for TRACK, whatever the listen type. */
const TRACK_METADATA = {
  artist_name: "Nina Simone, Sam Waymon",
  track_name: "Sinnerman",
  release_name: "Pastel Blues",
  additional_info: {
    submission_client: "nd as-scrobbler",
    duration_ms: 621_000,
    recording_mbid: TRACK.mbid,
    release_mbid: TRACK.albumMbid,
    artist_mbids: ["af7b7e05-6d4d-4d36-b4c5-4d7f2c9a8e11"],
  },
};

let api: FakeUpstream;
const running = managers();

beforeAll(async () => {
  api = await fakeUpstream(listenBrainz);
});
afterAll(() => api.close());
afterEach(() => running.stop());

async function startScrobbler(config: Record<string, string>) {
  const folder = examplePluginsFolder("as-scrobbler", { http: localHttp(api, ["GET", "POST"]) });
  return running.start({ folder, pluginConfig: { "as-scrobbler": config } });
}

describe("as-scrobbler against a fake ListenBrainz server", () => {
  // The plugin keeps no state, so one load per token serves every test using that token.
  const loaded = managers();
  const scrobblers = new Map<string, Promise<ScrobblerClient>>();

  beforeEach(() => {
    api.requests.length = 0;
  });
  afterAll(() => loaded.stop());

  async function load(token: string): Promise<ScrobblerClient> {
    const folder = examplePluginsFolder("as-scrobbler", { http: localHttp(api, ["GET", "POST"]) });
    const { manager } = await loaded.start({ folder, pluginConfig: { "as-scrobbler": { api_token: token, api_url: `${api.url}/` } } });
    expect(manager.list()[0]).toMatchObject({ name: "as-scrobbler", state: "loaded" });
    return manager.scrobblers()[0]!;
  }

  function scrobbler(token = TOKEN): Promise<ScrobblerClient> {
    if (!scrobblers.has(token)) scrobblers.set(token, load(token));
    return scrobblers.get(token)!;
  }

  test("IsAuthorized validates the token with Authorization: Token <token>", async () => {
    const client = await scrobbler();
    await expect(client.isAuthorized({ userId: "u1", username: "nina" })).resolves.toEqual({ authorized: true, error: "" });
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ method: "GET", path: "/1/validate-token" });
    expect(api.requests[0]!.headers.authorization).toBe(`Token ${TOKEN}`);
  });

  test("IsAuthorized answers false when the server says invalid or answers 401", async () => {
    await expect((await scrobbler("expired")).isAuthorized({ username: "nina" })).resolves.toMatchObject({ authorized: false });
    await expect((await scrobbler("unknown")).isAuthorized({ username: "nina" })).resolves.toMatchObject({ authorized: false });
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(["Token expired", "Token unknown"]);
  });

  test("NowPlaying posts a playing_now listen without a timestamp", async () => {
    const client = await scrobbler();
    await expect(client.nowPlaying({ username: "nina", track: TRACK, timestamp: 1_700_000_000n })).resolves.toEqual({ error: "" });
    expect(api.requests).toHaveLength(1);
    const [post] = api.requests;
    expect(post).toMatchObject({ method: "POST", path: "/1/submit-listens" });
    expect(post!.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(post!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(post!.body)).toEqual({ listen_type: "playing_now", payload: [{ track_metadata: TRACK_METADATA }] });
  });

  test("Scrobble posts a single listen at the request's timestamp", async () => {
    const client = await scrobbler();
    await expect(client.scrobble({ username: "nina", track: TRACK, timestamp: 1_700_000_123n })).resolves.toEqual({ error: "" });
    const [post] = api.requests;
    expect(post).toMatchObject({ method: "POST", path: "/1/submit-listens" });
    expect(post!.headers.authorization).toBe(`Token ${TOKEN}`);
    expect(JSON.parse(post!.body)).toEqual({
      listen_type: "single",
      payload: [{ listened_at: 1_700_000_123, track_metadata: TRACK_METADATA }],
    });
  });

  test("a track without MBIDs or album leaves those fields out", async () => {
    const client = await scrobbler();
    await client.scrobble({ track: { name: "Track", artists: [{ name: "Someone" }], length: 60 }, timestamp: 1_700_000_000n });
    expect(JSON.parse(api.requests[0]!.body).payload[0].track_metadata).toEqual({
      artist_name: "Someone",
      track_name: "Track",
      additional_info: { submission_client: "nd as-scrobbler", duration_ms: 60_000, artist_mbids: [] },
    });
  });

  test("a refused submission is the call's error, with the URL, the status and the body", async () => {
    const client = await scrobbler("rejected");
    const failure = client.scrobble({ track: TRACK, timestamp: 1_700_000_000n });
    await expect(failure).rejects.toBeInstanceOf(PluginCallError);
    await expect(failure).rejects.toThrow(`${api.url}/1/submit-listens answered 400`);
    await expect(failure).rejects.toThrow("track_name is required");
  });

  test("Scrobble and NowPlaying without a track fail without calling the server", async () => {
    const client = await scrobbler();
    await expect(client.scrobble({ timestamp: 1n })).rejects.toThrow("Scrobble without a track");
    await expect(client.nowPlaying({})).rejects.toThrow("NowPlaying without a track");
    expect(api.requests).toHaveLength(0);
  });
});

describe("as-scrobbler's OnInit", () => {
  test("a missing api_token is an OnInit error: list() tells it, and the plugin stays loaded and callable", async () => {
    const { manager } = await startScrobbler({ api_url: api.url });
    const [info] = manager.list();
    expect(info).toMatchObject({ name: "as-scrobbler", state: "loaded" });
    expect(info!.initError).toBeInstanceOf(PluginCallError);
    expect(info!.initError!.message).toContain('"api_token" is missing');
    // Each call reads the config again and gives the same reason.
    await expect(manager.scrobblers()[0]!.isAuthorized({ username: "u" })).rejects.toThrow('"api_token" is missing');
  });

  test("an api_url that is not http(s) is an OnInit error naming the key and the value", async () => {
    const { manager } = await startScrobbler({ api_token: TOKEN, api_url: "ftp://listens.test" });
    const [info] = manager.list();
    expect(info!.state).toBe("loaded");
    expect(info!.initError!.message).toContain('"api_url" must start with https:// or http://, got "ftp://listens.test"');
  });

  test("OnInit called again answers the same check for the config it is given", async () => {
    const { manager } = await startScrobbler({ api_token: TOKEN, api_url: api.url });
    const [lifecycle] = manager.lifecycleManagers();
    await expect(lifecycle!.onInit({ config: { api_token: "t" } })).resolves.toEqual({ error: "" });
    await expect(lifecycle!.onInit({ config: {} })).rejects.toThrow('"api_token" is missing');
  });
});
