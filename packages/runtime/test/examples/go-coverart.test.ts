import { PluginCallError, PluginNotFoundError, PluginNotImplementedError, type MetadataAgentClient } from "@nd/runtime";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { exampleBuilt, examplePluginsFolder, fakeUpstream, localHttp, managers, type FakeUpstream, type SeenRequest } from "./support/examples.js";

const built = exampleBuilt("go-coverart");
const PASTEL_BLUES = "1b0f0d4e-2d3c-3b8a-9c71-52d0c1e5a7f3";
const OLD_RELEASE = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
const NO_IMAGES = "00000000-1111-4222-8333-444444444444";
const BROKEN = "99999999-8888-4777-8666-555555555555";
const GARBLED = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

const image = (name: string, front: boolean, thumbnails: Record<string, string>) => ({
  front,
  image: `http://images.test/${name}.jpg`,
  thumbnails,
});

/** A Cover Art Archive-like /release/<mbid> for a few releases; any other is a 404. */
function coverArtArchive({ path }: SeenRequest) {
  switch (path) {
    case `/release/${PASTEL_BLUES}`:
      return {
        body: {
          release: `https://musicbrainz.org/release/${PASTEL_BLUES}`,
          images: [
            image("back", false, { "250": "http://images.test/back-250.jpg" }),
            image("front", true, {
              "250": "http://images.test/front-250.jpg",
              "1200": "http://images.test/front-1200.jpg",
              "500": "http://images.test/front-500.jpg",
              small: "http://images.test/front-small.jpg",
              large: "http://images.test/front-large.jpg",
            }),
          ],
        },
      };
    case `/release/${OLD_RELEASE}`:
      return {
        body: { images: [image("old", false, { small: "http://images.test/old-small.jpg", large: "http://images.test/old-large.jpg" })] },
      };
    case `/release/${NO_IMAGES}`:
      return { body: { images: [] } };
    case `/release/${BROKEN}`:
      return { status: 500, body: "internal error" };
    case `/release/${GARBLED}`:
      return { body: "<html>not json</html>" };
    default:
      return undefined;
  }
}

let archive: FakeUpstream;
const running = managers();

beforeAll(async () => {
  archive = await fakeUpstream(coverArtArchive);
});
afterAll(async () => {
  await running.stop();
  await archive.close();
});

async function startCoverArt(config: Record<string, string>): Promise<MetadataAgentClient> {
  const folder = examplePluginsFolder("go-coverart", { http: localHttp(archive) });
  const { manager } = await running.start({ folder, pluginConfig: { "go-coverart": config } });
  expect(manager.list()[0]).toMatchObject({ name: "go-coverart", state: "loaded" });
  return manager.metadataAgents()[0]!;
}

describe.skipIf(!built)("go-coverart against a fake Cover Art Archive", () => {
  // The plugin keeps no state and uses no cache, so one load serves every test here.
  let agent: MetadataAgentClient;

  beforeAll(async () => {
    agent = await startCoverArt({ base_url: `${archive.url}/` });
  });
  beforeEach(() => {
    archive.requests.length = 0;
  });

  test("GetAlbumImages answers the front image's thumbnails, largest first, then the original", async () => {
    await expect(agent.getAlbumImages({ name: "Pastel Blues", artist: "Nina Simone", mbid: PASTEL_BLUES })).resolves.toEqual({
      images: [
        { url: "http://images.test/front-1200.jpg", size: 1200 },
        { url: "http://images.test/front-500.jpg", size: 500 },
        { url: "http://images.test/front-250.jpg", size: 250 },
        { url: "http://images.test/front.jpg", size: 0 },
      ],
    });
    expect(archive.requests).toHaveLength(1);
    expect(archive.requests[0]).toMatchObject({ method: "GET", path: `/release/${PASTEL_BLUES}` });
    expect(archive.requests[0]!.headers.accept).toBe("application/json");
  });

  test("without a front image it takes the first one, reading the older named sizes", async () => {
    await expect(agent.getAlbumImages({ mbid: OLD_RELEASE })).resolves.toEqual({
      images: [
        { url: "http://images.test/old-large.jpg", size: 500 },
        { url: "http://images.test/old-small.jpg", size: 250 },
        { url: "http://images.test/old.jpg", size: 0 },
      ],
    });
  });

  test("an upstream 404 and a release without images answer plugin:not_found", async () => {
    await expect(agent.getAlbumImages({ mbid: "0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f" })).rejects.toBeInstanceOf(PluginNotFoundError);
    await expect(agent.getAlbumImages({ mbid: NO_IMAGES })).rejects.toBeInstanceOf(PluginNotFoundError);
    expect(archive.requests).toHaveLength(2);
  });

  test("an album without a MusicBrainz id, or with one that is not a UUID, is plugin:not_found without a request", async () => {
    await expect(agent.getAlbumImages({ name: "Pastel Blues" })).rejects.toBeInstanceOf(PluginNotFoundError);
    await expect(agent.getAlbumImages({ mbid: "../../admin" })).rejects.toBeInstanceOf(PluginNotFoundError);
    expect(archive.requests).toHaveLength(0);
  });

  test("another upstream status or an answer that is not JSON is the call's error, naming the URL", async () => {
    const failed = agent.getAlbumImages({ mbid: BROKEN });
    await expect(failed).rejects.toBeInstanceOf(PluginCallError);
    await expect(failed).rejects.toThrow(`GET ${archive.url}/release/${BROKEN} answered HTTP 500`);
    const garbled = agent.getAlbumImages({ mbid: GARBLED });
    await expect(garbled).rejects.toBeInstanceOf(PluginCallError);
    await expect(garbled).rejects.toThrow("answer is not Cover Art Archive JSON");
  });

  test("every other MetadataAgent method answers plugin:not_implemented", async () => {
    const calls = [
      () => agent.getArtistMBID({ name: "Nina Simone" }),
      () => agent.getArtistURL({ name: "Nina Simone" }),
      () => agent.getArtistBiography({ name: "Nina Simone" }),
      () => agent.getSimilarArtists({ name: "Nina Simone", limit: 3 }),
      () => agent.getArtistImages({ name: "Nina Simone" }),
      () => agent.getArtistTopSongs({ artistName: "Nina Simone", count: 3 }),
      () => agent.getAlbumInfo({ name: "Pastel Blues", mbid: PASTEL_BLUES }),
    ];
    for (const call of calls) await expect(call()).rejects.toBeInstanceOf(PluginNotImplementedError);
    expect(archive.requests).toHaveLength(0);
  });
});

test.skipIf(!built)("a base_url that is not http(s) is the call's error", async () => {
  const agent = await startCoverArt({ base_url: "file:///etc" });
  await expect(agent.getAlbumImages({ mbid: PASTEL_BLUES })).rejects.toThrow(
    'coverart: config base_url must start with http:// or https://, got "file:///etc"',
  );
});
