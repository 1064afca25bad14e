import { describe, expect, test } from "vitest";
import {
  ArtworkTokenError,
  createArtworkToken,
  createHostServices,
  verifyArtworkToken,
} from "../src/index.js";

const secret = "0123456789abcdef0123456789abcdef";

function artworkService(baseUrl = "https://music.example.com/") {
  const host = createHostServices({ artwork: { baseUrl, secret } });
  const artwork = host.forPlugin({ name: "art", permissions: { artwork: {} }, config: {} }).artwork;
  if (!artwork) throw new Error("artwork service missing");
  return artwork;
}

const tokenOf = (url: string) => new URL(url).pathname.split("/").at(-1) ?? "";

describe("artwork URLs", () => {
  test.each([
    ["getArtistUrl", "artist"],
    ["getAlbumUrl", "album"],
    ["getTrackUrl", "track"],
  ] as const)("%s answers a share URL whose token names the %s", async (method, kind) => {
    const { url } = await artworkService()[method]({ id: "al-42", size: 300 });
    expect(url).toMatch(/^https:\/\/music\.example\.com\/share\/img\/[\w-]+\.[\w-]+\?size=300$/);
    expect(verifyArtworkToken(tokenOf(url), secret)).toEqual({ kind, id: "al-42" });
  });

  test("size 0 means the original size: no size parameter", async () => {
    const { url } = await artworkService().getAlbumUrl({ id: "a1" });
    expect(url).toMatch(/^https:\/\/music\.example\.com\/share\/img\/[^?]+$/);
  });

  test.each([
    ["https://music.example.com/navidrome/", "https://music.example.com/share/img/"],
    ["https://music.example.com/navidrome?x=1#top", "https://music.example.com/share/img/"],
    ["http://user:pw@music.example.com:8443/a/b", "http://music.example.com:8443/share/img/"],
  ])("a ShareURL with a path (%s) gives URLs from its scheme and host only, as Navidrome", async (baseUrl, start) => {
    const { url } = await artworkService(baseUrl).getAlbumUrl({ id: "a1", size: 64 });
    expect(url.startsWith(start)).toBe(true);
    expect(verifyArtworkToken(tokenOf(url), secret)).toEqual({ kind: "album", id: "a1" });
  });

  test("ids with any characters survive", async () => {
    const id = "ünïcode/../id?x=1";
    const { url } = await artworkService().getTrackUrl({ id });
    expect(verifyArtworkToken(tokenOf(url), secret)).toEqual({ kind: "track", id });
  });

  test("without settings, URLs start with http://localhost and one warning is logged", async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (message: string) => warnings.push(message) };
    const host = createHostServices({ logger });
    const first = host.forPlugin({ name: "art", permissions: { artwork: {} }, config: {} });
    const second = host.forPlugin({ name: "more-art", permissions: { artwork: {} }, config: {} });
    expect((await first.artwork!.getAlbumUrl({ id: "a1" })).url).toMatch(/^http:\/\/localhost\/share\/img\/[\w-]+\.[\w-]+$/);
    expect((await second.artwork!.getArtistUrl({ id: "ar1" })).url).toMatch(/^http:\/\/localhost\/share\/img\//);
    expect(warnings).toEqual(["artwork URLs start with http://localhost: no artwork.baseUrl (ShareURL) is configured"]);
    await host.close();
  });

  test("a secret without a base URL signs the localhost URLs", async () => {
    const host = createHostServices({ artwork: { secret } });
    const { url } = await host.forPlugin({ name: "art", permissions: { artwork: {} }, config: {} }).artwork!.getTrackUrl({ id: "t1" });
    expect(verifyArtworkToken(tokenOf(url), secret)).toEqual({ kind: "track", id: "t1" });
    await host.close();
  });

  test("hosts whose plugins lack the artwork permission warn about nothing", async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (message: string) => warnings.push(message) };
    const host = createHostServices({ logger });
    host.forPlugin({ name: "plain", permissions: { cache: {} }, config: {} });
    expect(warnings).toEqual([]);
    await host.close();
  });

  test.each([
    [{ baseUrl: "not a url", secret }, /artwork.baseUrl is not a URL/],
    [{ baseUrl: "ftp://x", secret }, /artwork.baseUrl must be http or https/],
    [{ baseUrl: "https://x", secret: "short" }, /artwork.secret must be at least 16 bytes/],
  ])("invalid artwork settings are refused", (artwork, message) => {
    expect(() => createHostServices({ artwork })).toThrow(message);
  });
});

describe("artwork tokens", () => {
  const token = createArtworkToken({ kind: "album", id: "al-1" }, secret);

  test("verify with the secret they were made with", () => {
    expect(verifyArtworkToken(token, secret)).toEqual({ kind: "album", id: "al-1" });
    expect(verifyArtworkToken(token, new TextEncoder().encode(secret))).toEqual({ kind: "album", id: "al-1" });
  });

  test("another secret is refused", () => {
    expect(() => verifyArtworkToken(token, "another secret, long enough")).toThrow(
      new ArtworkTokenError("artwork token signature does not match"),
    );
  });

  test("a payload swapped for another id is refused", () => {
    const [, signature] = token.split(".");
    const forged = `${Buffer.from("album:al-2").toString("base64url")}.${signature}`;
    expect(() => verifyArtworkToken(forged, secret)).toThrow("artwork token signature does not match");
  });

  test("a flipped signature character is refused", () => {
    const last = token.at(-1) === "A" ? "B" : "A";
    expect(() => verifyArtworkToken(token.slice(0, -1) + last, secret)).toThrow(ArtworkTokenError);
  });

  test.each(["", "nodot", "a.b.c", ".sig"])("malformed token %j is refused", (bad) => {
    expect(() => verifyArtworkToken(bad, secret)).toThrow("artwork token must have the form <payload>.<signature>");
  });

  test("a signed token of an unknown kind is refused", () => {
    const odd = createArtworkToken({ kind: "video" as "album", id: "p" }, secret);
    expect(() => verifyArtworkToken(odd, secret)).toThrow('artwork token names an unknown kind "video"');
  });
});
