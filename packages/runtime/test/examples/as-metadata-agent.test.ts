import { PluginCallError, PluginNotFoundError, PluginNotImplementedError, type MetadataAgentClient } from "@nd/runtime";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { examplePluginsFolder, fakeUpstream, localHttp, managers, type FakeUpstream, type SeenRequest } from "./support/examples.js";

const NINA = "af7b7e05-6d4d-4d36-b4c5-4d7f2c9a8e11";
const ARTIST = "8e3c7d52-3f0b-4bd6-9b6a-2d1e7a4c5b10";
const PASTEL_BLUES = "1b0f0d4e-2d3c-3b8a-9c71-52d0c1e5a7f3";

/** The parts of MusicBrainz's /ws/2 the plugin reads, for a few known names. */
function musicBrainz({ path, query }: SeenRequest) {
  const search = query.get("query");
  if (path.startsWith("/ws/2/artist?")) {
    if (search === 'artist:"Nina Simone"') return { body: { artists: [{ id: NINA, name: "Nina Simone", score: 100 }] } };
    if (search === 'artist:"Nina Simon"') return { body: { artists: [{ id: NINA, name: "Nina Simone", score: 62 }] } };
    if (search === 'artist:"Broken Upstream"') return { status: 503, body: "maintenance" };
    return { body: { artists: [] } };
  }
  if (path === `/ws/2/artist/${NINA}?fmt=json&inc=artist-rels`) {
    const related = (id: string, name: string, type = "collaboration", target = "artist") => ({
      type,
      "target-type": target,
      artist: target === "artist" ? { id, name } : null,
    });
    return {
      body: {
        id: NINA,
        name: "Nina Simone",
        relations: [
          related(ARTIST, "Lisa Simone", "parent"),
          related(ARTIST, "Lisa Simone", "collaboration"),
          related("", "", "wikidata", "url"),
          related("d1f5b2c4-7a3e-4c8b-9f0a-6e2d3c4b5a69", "Al Schackman"),
          related("0c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f", "Sam Waymon"),
        ],
      },
    };
  }
  if (path.startsWith("/ws/2/release-group?") && search === 'releasegroup:"Pastel Blues" AND artist:"Nina Simone"') {
    return { body: { "release-groups": [{ id: PASTEL_BLUES, title: "Pastel Blues", score: 100 }] } };
  }
  return undefined;
}

/** Wikipedia's page summaries for two pages; any other title is a 404. */
function wikipedia({ path }: SeenRequest) {
  if (path === "/api/rest_v1/page/summary/Nina_Simone") {
    return {
      body: {
        title: "Nina Simone",
        extract: "Eunice Kathleen Waymon, known as Nina Simone, was an American singer.",
        thumbnail: { source: "http://images.test/nina-320.jpg", width: 320, height: 400 },
        originalimage: { source: "http://images.test/nina.jpg", width: 1200, height: 1500 },
      },
    };
  }
  if (path === "/api/rest_v1/page/summary/Pastel_Blues") {
    return {
      body: {
        title: "Pastel Blues",
        extract: "Pastel Blues is a 1965 album by Nina Simone.",
        originalimage: { source: "http://images.test/pastel-blues.jpg", width: 600, height: 600 },
      },
    };
  }
  return undefined;
}

let mb: FakeUpstream;
let wiki: FakeUpstream;
const running = managers();

beforeAll(async () => {
  [mb, wiki] = await Promise.all([fakeUpstream(musicBrainz), fakeUpstream(wikipedia)]);
});
afterAll(() => Promise.all([mb.close(), wiki.close()]));
afterEach(() => running.stop());

/** An http permission reaching both fakes, GET only, like the shipped one. */
function fakesHttp() {
  return { allowLocalNetwork: true, allowedUrls: { ...localHttp(mb).allowedUrls, ...localHttp(wiki).allowedUrls } };
}

async function startAgent(permissions: Record<string, unknown>) {
  const folder = examplePluginsFolder("as-metadata-agent", permissions);
  const { manager, lines } = await running.start({
    folder,
    pluginConfig: { "as-metadata-agent": { musicbrainz_url: `${mb.url}/`, wikipedia_url: wiki.url } },
  });
  const [agent] = manager.metadataAgents();
  expect(agent?.pluginName).toBe("as-metadata-agent");
  return { agent: agent as MetadataAgentClient, manager, lines };
}

describe("as-metadata-agent against fake MusicBrainz and Wikipedia servers", () => {
  let agent: MetadataAgentClient;

  beforeEach(async () => {
    mb.requests.length = 0;
    wiki.requests.length = 0;
    ({ agent } = await startAgent({ http: fakesHttp() }));
  });

  test("GetArtistMBID searches MusicBrainz and answers the best hit's id", async () => {
    await expect(agent.getArtistMBID({ name: "Nina Simone" })).resolves.toEqual({ mbid: NINA });
    expect(mb.requests).toHaveLength(1);
    const [search] = mb.requests;
    expect(search).toMatchObject({ method: "GET" });
    expect(search!.path.startsWith("/ws/2/artist?")).toBe(true);
    expect(Object.fromEntries(search!.query)).toEqual({ fmt: "json", limit: "1", query: 'artist:"Nina Simone"' });
    expect(search!.headers.accept).toBe("application/json");
    expect(search!.headers["user-agent"]).toMatch(/^nd-as-metadata-agent\//);
  });

  test("GetArtistMBID answers plugin:not_found for a hit scoring under 90 and for no hit", async () => {
    await expect(agent.getArtistMBID({ name: "Nina Simon" })).rejects.toBeInstanceOf(PluginNotFoundError);
    await expect(agent.getArtistMBID({ name: "Nobody At All" })).rejects.toBeInstanceOf(PluginNotFoundError);
    expect(mb.requests).toHaveLength(2);
  });

  test("GetArtistURL uses the MBID given, or finds it by name, under the configured base URL", async () => {
    await expect(agent.getArtistURL({ mbid: ARTIST, name: "Lisa Simone" })).resolves.toEqual({ url: `${mb.url}/artist/${ARTIST}` });
    expect(mb.requests).toHaveLength(0);
    await expect(agent.getArtistURL({ name: "Nina Simone" })).resolves.toEqual({ url: `${mb.url}/artist/${NINA}` });
    expect(mb.requests).toHaveLength(1);
  });

  test("GetArtistBiography answers the Wikipedia extract, and a second call is served from the cache", async () => {
    const expected = { biography: "Eunice Kathleen Waymon, known as Nina Simone, was an American singer." };
    await expect(agent.getArtistBiography({ name: "Nina Simone" })).resolves.toEqual(expected);
    expect(wiki.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /api/rest_v1/page/summary/Nina_Simone"]);
    await expect(agent.getArtistBiography({ name: "Nina Simone" })).resolves.toEqual(expected);
    expect(wiki.requests).toHaveLength(1);
  });

  test("GetArtistImages answers the thumbnail and the original image with their widths", async () => {
    await expect(agent.getArtistImages({ name: "Nina Simone" })).resolves.toEqual({
      images: [
        { url: "http://images.test/nina-320.jpg", size: 320 },
        { url: "http://images.test/nina.jpg", size: 1200 },
      ],
    });
    expect(wiki.requests).toHaveLength(1);
  });

  test("GetSimilarArtists answers related artists once each, up to the limit, resolving the MBID by name", async () => {
    const { artists } = await agent.getSimilarArtists({ name: "Nina Simone", limit: 2 });
    expect(artists).toEqual([
      { name: "Lisa Simone", mbid: ARTIST },
      { name: "Al Schackman", mbid: "d1f5b2c4-7a3e-4c8b-9f0a-6e2d3c4b5a69" },
    ]);
    expect(mb.requests.map((r) => r.path.split("?")[0])).toEqual(["/ws/2/artist", `/ws/2/artist/${NINA}`]);
    const all = await agent.getSimilarArtists({ mbid: NINA });
    expect(all.artists.map((a) => a.name)).toEqual(["Lisa Simone", "Al Schackman", "Sam Waymon"]);
    expect(mb.requests).toHaveLength(2);
  });

  test("GetAlbumInfo answers the release group with its URL and the album's Wikipedia extract", async () => {
    await expect(agent.getAlbumInfo({ name: "Pastel Blues", artist: "Nina Simone" })).resolves.toEqual({
      info: {
        name: "Pastel Blues",
        mbid: PASTEL_BLUES,
        description: "Pastel Blues is a 1965 album by Nina Simone.",
        url: `${mb.url}/release-group/${PASTEL_BLUES}`,
      },
    });
    expect(Object.fromEntries(mb.requests[0]!.query)).toMatchObject({
      query: 'releasegroup:"Pastel Blues" AND artist:"Nina Simone"',
    });
    expect(wiki.requests.map((r) => r.path)).toEqual(["/api/rest_v1/page/summary/Pastel_Blues"]);
  });

  test("GetAlbumImages answers the album page's images; a page Wikipedia does not have is plugin:not_found", async () => {
    await expect(agent.getAlbumImages({ name: "Pastel Blues", artist: "Nina Simone" })).resolves.toEqual({
      images: [{ url: "http://images.test/pastel-blues.jpg", size: 600 }],
    });
    await expect(agent.getAlbumImages({ name: "Wild Is the Wind" })).rejects.toBeInstanceOf(PluginNotFoundError);
    expect(wiki.requests.map((r) => r.path)).toEqual([
      "/api/rest_v1/page/summary/Pastel_Blues",
      "/api/rest_v1/page/summary/Wild_Is_the_Wind",
    ]);
  });

  test("an upstream 404 answers plugin:not_found and is not cached", async () => {
    await expect(agent.getArtistBiography({ name: "Unknown Artist" })).rejects.toBeInstanceOf(PluginNotFoundError);
    await expect(agent.getArtistBiography({ name: "Unknown Artist" })).rejects.toBeInstanceOf(PluginNotFoundError);
    expect(wiki.requests).toHaveLength(2);
  });

  test("another upstream status is the call's error, naming the URL and the status", async () => {
    const failure = agent.getArtistMBID({ name: "Broken Upstream" });
    await expect(failure).rejects.toBeInstanceOf(PluginCallError);
    await expect(failure).rejects.toThrow(`${mb.url}/ws/2/artist?`);
    await expect(failure).rejects.toThrow("answered 503");
  });

  test("GetArtistTopSongs is not implemented", async () => {
    await expect(agent.getArtistTopSongs({ artistName: "Nina Simone", count: 3 })).rejects.toBeInstanceOf(PluginNotImplementedError);
    expect(mb.requests).toHaveLength(0);
  });
});

test("the shipped manifest's allowedUrls keep the plugin off servers it does not name", async () => {
  // The example's own http permission: only the public APIs, no local network.
  const { agent } = await startAgent({});
  mb.requests.length = 0;
  const refused = agent.getArtistMBID({ name: "Nina Simone" });
  await expect(refused).rejects.toBeInstanceOf(PluginCallError);
  await expect(refused).rejects.toThrow("allowedUrls");
  expect(mb.requests).toHaveLength(0);
});
