import { PermissionError, PluginNotFoundError, PluginNotImplementedError, type MetadataAgentClient } from "@nd/runtime";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { exampleBuilt, examplePluginsFolder, managers } from "./support/examples.js";

const running = managers();
afterAll(() => running.stop());

// as-echo and go-echo are twins: the same behaviour from AssemblyScript and from Go.
const twins = ["as-echo", "go-echo"].filter(exampleBuilt);

describe.each(twins)("%s with its own manifest", (example) => {
  let agent: MetadataAgentClient;

  beforeAll(async () => {
    const { manager } = await running.start({ folder: examplePluginsFolder(example, {}) });
    expect(manager.list()[0]).toMatchObject({ name: example, state: "loaded", permissions: ["cache"] });
    agent = manager.metadataAgents()[0]!;
  });

  test("GetArtistBiography answers from memory", async () => {
    await expect(agent.getArtistBiography({ name: "Nina Simone" })).resolves.toEqual({ biography: "bio of Nina Simone" });
  });

  test("GetArtistMBID answers an id, or plugin:not_found for an empty name", async () => {
    await expect(agent.getArtistMBID({ name: "Nina Simone" })).resolves.toEqual({ mbid: "mbid-of-Nina Simone" });
    await expect(agent.getArtistMBID({ name: "" })).rejects.toBeInstanceOf(PluginNotFoundError);
  });

  test("GetArtistImages answers the same URL-encoded image on every call, through the cache", async () => {
    const expected = { images: [{ url: "https://images.example/Nina%20Simone", size: 300 }] };
    await expect(agent.getArtistImages({ name: "Nina Simone" })).resolves.toEqual(expected);
    await expect(agent.getArtistImages({ name: "Nina Simone" })).resolves.toEqual(expected);
  });

  test("every other MetadataAgent method answers plugin:not_implemented", async () => {
    const calls = [
      () => agent.getArtistURL({ name: "Nina Simone" }),
      () => agent.getSimilarArtists({ name: "Nina Simone", limit: 3 }),
      () => agent.getArtistTopSongs({ artistName: "Nina Simone", count: 3 }),
      () => agent.getAlbumInfo({ name: "Pastel Blues" }),
      () => agent.getAlbumImages({ name: "Pastel Blues" }),
    ];
    for (const call of calls) await expect(call()).rejects.toBeInstanceOf(PluginNotImplementedError);
  });
});

test.each(twins)("without the cache permission %s does not load, and the error names the import", async (example) => {
  // `undefined` removes the permission from the copied manifest.
  const { manager } = await running.start({ folder: examplePluginsFolder(example, { cache: undefined }) });
  const [info] = manager.list();
  expect(info).toMatchObject({ name: example, state: "failed" });
  expect(info!.error).toBeInstanceOf(PermissionError);
  expect(info!.error!.message).toMatch(/imports env\.(get|set)_string and env\.(get|set)_string of CacheService without the "cache" permission \(/);
  expect(info!.error!.message).toContain("function not exported in module env");
  expect(manager.metadataAgents()).toEqual([]);
});
