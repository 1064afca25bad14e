import { afterEach, describe, expect, test } from "vitest";
import type { MatcherProvider, MatchOptions, PluginAccess, SongRef, Track } from "../src/index.js";
import { callJson, gen2PluginWith } from "./support/gen2-plugin.js";
import { testUsers } from "./support/gen2-providers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(cleanups.splice(0).map((cleanup) => cleanup())));

/** Matches a song by its id: "t1" lives in library 1, "t2" in library 2; anything else is unmatched. */
function testMatcher() {
  const asked: { songs: SongRef[]; options: MatchOptions }[] = [];
  const tracks: Record<string, Track> = {
    t1: { id: "t1", libraryId: 1, title: "One", path: "a/one.flac", starred: true, playCount: 4 },
    t2: { id: "t2", libraryId: 2, title: "Two", path: "b/two.flac" },
  };
  const matcher: MatcherProvider = {
    async matchSongs(songs, options) {
      asked.push({ songs, options });
      return songs.map((song) => tracks[song.id ?? ""] ?? null);
    },
  };
  return { matcher, asked };
}

function matcherPlugin(access: Partial<PluginAccess>, filesystem = false) {
  const { matcher, asked } = testMatcher();
  const plugin = gen2PluginWith(
    { matcher: {}, library: { filesystem } },
    { matcher, users: testUsers },
    { access: { users: [], libraries: "all", writeAccess: false, ...access } },
  );
  cleanups.push(plugin.close);
  return { services: plugin.services, asked };
}

const songs = [{ name: "One", id: "t1", durationMs: 1000 }, { name: "Nothing" }, { name: "Two", id: "t2" }];

describe("generation-2 matcher service", () => {
  test("one slot per song, in order, null where nothing matched; no path or annotations unless granted", async () => {
    const { services, asked } = matcherPlugin({ libraries: "all" });
    const answer = await callJson(services, "matcher_matchsongs", { songs });
    expect(answer).toEqual({
      results: [{ id: "t1", libraryId: 1, title: "One" }, null, { id: "t2", libraryId: 2, title: "Two" }],
    });
    expect(asked[0]).toEqual({ songs, options: { username: undefined, libraryIds: "all" } });
  });

  test("tracks outside the plugin's libraries are null; filesystem adds path", async () => {
    const { services, asked } = matcherPlugin({ libraries: [2] }, true);
    const answer = await callJson(services, "matcher_matchsongs", { songs });
    expect(answer.results).toEqual([null, null, { id: "t2", libraryId: 2, title: "Two", path: "b/two.flac" }]);
    expect(asked[0]?.options.libraryIds).toEqual([2]);
  });

  test("a username scopes the match to that user (in any case) and keeps the annotations", async () => {
    const { services, asked } = matcherPlugin({ users: ["u1"] });
    const answer = await callJson(services, "matcher_matchsongs", { songs: songs.slice(0, 1), opts: { username: "ALICE" } });
    expect(answer.results[0]).toMatchObject({ starred: true, playCount: 4 });
    expect(asked[0]?.options.username).toBe("alice");
  });

  test("v0.63's errors: no libraries, no user scope, unknown user, user out of scope", async () => {
    const match = (access: Partial<PluginAccess>, username?: string) =>
      callJson(matcherPlugin(access).services, "matcher_matchsongs", { songs, opts: { username } });
    expect(await match({ libraries: [] })).toEqual({ error: "matcher: no libraries configured for this plugin" });
    expect(await match({ users: [] }, "alice")).toEqual({ error: "matcher: plugin is not authorized to scope by user" });
    expect(await match({ users: "all" }, "zed")).toEqual({ error: 'matcher: user "zed" not found' });
    expect(await match({ users: ["u1"] }, "bob")).toEqual({ error: 'matcher: plugin is not allowed to act as user "bob"' });
  });

  test("an empty song list answers {} without asking the provider", async () => {
    const { services, asked } = matcherPlugin({});
    expect(await callJson(services, "matcher_matchsongs", { songs: [] })).toEqual({});
    expect(asked).toHaveLength(0);
  });
});
