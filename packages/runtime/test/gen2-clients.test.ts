import { PluginManager, PluginNotFoundError, PluginNotImplementedError, scrobblerErrorKind } from "@nd/runtime";
import { gen2Plugin, gen2WatPlugin, pluginsFolder, watPlugin } from "@nd/testing";
import { afterEach, expect, test } from "vitest";
import { ECHO_BIOGRAPHY, memoryLogger } from "./support/wat-plugins.js";

const managers: PluginManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function start(folder: string) {
  const { logger } = memoryLogger();
  const manager = new PluginManager({ folder, workers: 1, logger });
  managers.push(manager);
  await manager.start();
  return manager;
}

let nextOffset = 1024;
/** An export that answers `json` (optionally with the error text `error` and return code `code`). */
function answering(exportName: string, json: string, code = 0, error?: string): string {
  const at = nextOffset;
  nextOffset += 512;
  const escaped = json.replaceAll('"', '\\"');
  return `
  (data (i32.const ${at}) "${escaped}")
  (data (i32.const ${at + 256}) "${error ?? ""}")
  (func (export "${exportName}") (result i32)
    (call $output (i32.const ${at}) (i32.const ${json.length}))
    ${error ? `(call $fail (i32.const ${at + 256}) (i32.const ${error.length}))` : ""}
    (i32.const ${code}))`;
}

test("metadata agents of both generations answer through one client; empty means not found, -2 not implemented", async () => {
  const agent = gen2WatPlugin(
    answering("nd_get_artist_biography", '{"biography":"Bio of the band"}') +
      answering("nd_get_artist_mbid", '{"mbid":""}') +
      answering("nd_get_artist_url", "", -2) +
      answering("nd_get_similar_artists", '{"artists":[{"name":"Other","mbid":"m-1"},{"name":"Third"}]}') +
      answering("nd_get_album_info", '{"name":"Album","description":"Long"}') +
      answering("nd_get_similar_songs_by_track", '{"songs":[{"name":"Near","durationMs":1000}]}'),
    { memoryPages: 4 },
  );
  const folder = pluginsFolder([
    gen2Plugin("gen2-agent", agent),
    { name: "gen1-agent", wasm: watPlugin(ECHO_BIOGRAPHY) },
  ]);
  const manager = await start(folder);
  const agents = manager.metadataAgents();
  expect(agents.map((a) => a.pluginName)).toEqual(["gen1-agent", "gen2-agent"]);
  const [gen1, second] = agents;
  expect((await gen1!.getArtistBiography({ id: "from gen 1" })).biography).toBe("from gen 1");
  expect(await second!.getArtistBiography({ id: "1", name: "Band" })).toEqual({ biography: "Bio of the band" });
  await expect(second!.getArtistMBID({ name: "Band" })).rejects.toBeInstanceOf(PluginNotFoundError);
  await expect(second!.getArtistURL({ name: "Band" })).rejects.toBeInstanceOf(PluginNotImplementedError);
  await expect(second!.getArtistImages({ name: "Band" })).rejects.toBeInstanceOf(PluginNotImplementedError);
  expect(await second!.getSimilarArtists({ name: "Band", limit: 2 })).toEqual({
    artists: [
      { name: "Other", mbid: "m-1" },
      { name: "Third", mbid: "" },
    ],
  });
  expect(await second!.getAlbumInfo({ name: "Album" })).toEqual({ info: { name: "Album", mbid: "", description: "Long", url: "" } });
  expect(gen1!.getSimilarSongsByTrack).toBeUndefined();
  expect(await second!.getSimilarSongsByTrack!({ id: "t", name: "Song", artist: "Band", count: 1 })).toEqual({
    songs: [{ name: "Near", durationMs: 1000 }],
  });
});

test("a generation-2 scrobbler: authorization is a bare boolean, failures carry Navidrome's markers", async () => {
  const scrobbler = gen2WatPlugin(
    answering("nd_scrobbler_is_authorized", "true") +
      answering("nd_scrobbler_now_playing", "") +
      answering("nd_scrobbler_scrobble", "", 1, "scrobbler(retry_later): the service is busy") +
      answering("nd_scrobbler_playback_report", "", -2),
    { memoryPages: 4 },
  );
  const manager = await start(pluginsFolder([gen2Plugin("scrobbles", scrobbler, { users: {} })]));
  const [client] = manager.scrobblers();
  expect(await client!.isAuthorized({ username: "ana" })).toEqual({ authorized: true, error: "" });
  await expect(client!.nowPlaying({ username: "ana", track: { name: "Song", length: 200 } })).resolves.toEqual({ error: "" });
  const failure = await client!.scrobble({ username: "ana", track: { name: "Song" } }).catch((error: unknown) => error);
  expect(scrobblerErrorKind(failure)).toBe("retry_later");
  const track = { id: "t", title: "Song", album: "", artist: "", albumArtist: "", artists: [], albumArtists: [], duration: 1, trackNumber: 1, discNumber: 1 };
  const report = { username: "ana", track, state: "playing" as const, positionMs: 0, playbackRate: 1, playerId: "p", playerName: "web", timestamp: 1 };
  await expect(client!.playbackReport!(report)).resolves.toBeUndefined();
});

test("lyrics providers: an empty language reads as xxx, no lyrics is not found", async () => {
  const lyrics = gen2WatPlugin(answering("nd_lyrics_get_lyrics", '{"lyrics":[{"text":"la la la"},{"lang":"en","text":"[00:01.00]hi"}]}'), {
    memoryPages: 4,
  });
  const empty = gen2WatPlugin(answering("nd_lyrics_get_lyrics", '{"lyrics":[]}'), { memoryPages: 4 });
  const manager = await start(pluginsFolder([gen2Plugin("lyrics", lyrics), gen2Plugin("silent", empty)]));
  const [first, second] = manager.lyricsProviders();
  const track = { id: "t", title: "Song", album: "", artist: "", albumArtist: "", artists: [], albumArtists: [], duration: 1, trackNumber: 1, discNumber: 1 };
  expect(await first!.getLyrics({ track })).toEqual({
    lyrics: [
      { lang: "xxx", text: "la la la" },
      { lang: "en", text: "[00:01.00]hi" },
    ],
  });
  await expect(second!.getLyrics({ track })).rejects.toBeInstanceOf(PluginNotFoundError);
});

test("sonic similarity answers its matches", async () => {
  const sonic = gen2WatPlugin(answering("nd_get_sonic_similar_tracks", '{"matches":[{"song":{"name":"Near"},"similarity":0.9}]}'), {
    memoryPages: 4,
  });
  const manager = await start(pluginsFolder([gen2Plugin("sonic", sonic)]));
  const [client] = manager.sonicSimilarity();
  expect(await client!.getSonicSimilarTracks({ song: { name: "Seed" }, count: 1 })).toEqual({
    matches: [{ song: { name: "Near" }, similarity: 0.9 }],
  });
  await expect(client!.findSonicPath({ startSong: { name: "a" }, endSong: { name: "b" }, count: 2 })).rejects.toBeInstanceOf(
    PluginNotImplementedError,
  );
});
