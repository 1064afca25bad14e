import { afterAll, describe, expect, test } from "vitest";
import { verifyArtworkToken } from "../src/index.js";
import { callJson, gen2PluginWith } from "./support/gen2-plugin.js";

const secret = "a secret of sixteen bytes or more";
const plugin = gen2PluginWith({ artwork: {} }, { artwork: { baseUrl: "https://music.example.com/ignored", secret } });
afterAll(() => plugin.close());

const tokenOf = (url: string) => new URL(url).pathname.split("/").pop()!;

describe("generation-2 artwork service", () => {
  test.each([
    ["artwork_getartisturl", "artist"],
    ["artwork_getalbumurl", "album"],
    ["artwork_gettrackurl", "track"],
    ["artwork_getplaylisturl", "playlist"],
  ] as const)("%s answers a share URL whose token names the %s", async (importName, kind) => {
    const { url } = await callJson(plugin.services, importName, { id: "x-42", size: 300 });
    expect(url).toMatch(/^https:\/\/music\.example\.com\/share\/img\/[^/?]+\?size=300$/);
    expect(verifyArtworkToken(tokenOf(url), secret)).toEqual({ kind, id: "x-42" });
  });

  test("size 0 adds no query; an empty id still answers a URL (no existence check)", async () => {
    const answer = await callJson(plugin.services, "artwork_getalbumurl", { ID: "" });
    expect(Object.keys(answer)).toEqual(["url"]);
    expect(answer.url).not.toContain("?");
  });

  test("a float size is the service's error, as Go's decoder", async () => {
    const answer = await callJson(plugin.services, "artwork_getalbumurl", '{"id":"a","size":1.5}');
    expect(answer).toEqual({ error: expect.stringContaining("int32") });
  });

  test("is linked only with the artwork permission", () => {
    expect([...plugin.services.importNames].filter((name) => name.startsWith("artwork_")).sort()).toEqual([
      "artwork_getalbumurl",
      "artwork_getartisturl",
      "artwork_getplaylisturl",
      "artwork_gettrackurl",
    ]);
    const bare = gen2PluginWith({});
    expect(bare.services.importNames.some((name) => name.startsWith("artwork_"))).toBe(false);
    return bare.close();
  });
});
