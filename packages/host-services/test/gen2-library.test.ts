import { afterEach, describe, expect, test } from "vitest";
import type { PluginAccess } from "../src/index.js";
import { callJson, gen2PluginWith } from "./support/gen2-plugin.js";
import { testLibraries } from "./support/gen2-providers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(cleanups.splice(0).map((cleanup) => cleanup())));

function libraryPlugin(libraries: PluginAccess["libraries"], filesystem = false) {
  const plugin = gen2PluginWith(
    { library: { filesystem } },
    { libraries: testLibraries },
    { access: { users: [], libraries, writeAccess: false } },
  );
  cleanups.push(plugin.close);
  return plugin.services;
}

describe("generation-2 library service", () => {
  test("getlibrary answers v0.63's Library JSON, zero counts included, no path without filesystem", async () => {
    expect(await callJson(libraryPlugin([1, 3]), "library_getlibrary", { id: 3 })).toEqual({
      result: {
        id: 3,
        name: "vinyl",
        lastScanAt: 1_700_000_003,
        totalSongs: 30,
        totalAlbums: 3,
        totalArtists: 0,
        totalSize: 3_000_000,
        totalDuration: 181.5,
      },
    });
  });

  test("with filesystem, path and mountPoint (/libraries/<id>) are given", async () => {
    const { result } = await callJson(libraryPlugin("all", true), "library_getlibrary", { id: 2 });
    expect(result).toMatchObject({ path: "/music/audiobooks", mountPoint: "/libraries/2" });
  });

  test("outside the scope, or unknown: v0.63's errors", async () => {
    expect(await callJson(libraryPlugin([1]), "library_getlibrary", { id: 2 })).toEqual({
      error: "library not accessible: library ID 2 is not in the allowed list",
    });
    expect(await callJson(libraryPlugin("all"), "library_getlibrary", { id: 9 })).toEqual({
      error: "library not found: data not found",
    });
  });

  test("getalllibraries filters to the scope; an empty scope answers nothing", async () => {
    const { result } = await callJson(libraryPlugin([3, 1]), "library_getalllibraries");
    expect(result.map((library: { id: number }) => library.id)).toEqual([1, 3]);
    expect((await callJson(libraryPlugin("all"), "library_getalllibraries")).result).toHaveLength(3);
    expect(await callJson(libraryPlugin([]), "library_getalllibraries")).toEqual({});
  });
});
