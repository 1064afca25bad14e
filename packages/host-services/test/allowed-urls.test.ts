import { describe, expect, test } from "vitest";
import { compileHttpAllowList, compileWebSocketAllowList, type HttpMethod } from "../src/network/allow-list.js";

type Case = [allowedUrls: Record<string, string[]>, method: HttpMethod, url: string, allowed: boolean];

const allowed = (allowedUrls: Record<string, string[]>, method: HttpMethod, url: string): boolean =>
  compileHttpAllowList(allowedUrls, "test")!.allows(new URL(url), method);

// Navidrome's reading of allowedUrls, and where nd is stricter (marked "nd:").
const CASES: Case[] = [
  // `*` alone matches every URL.
  [{ "*": ["*"] }, "GET", "https://anything.example.org/a/b?c=d", true],
  [{ "*": ["*"] }, "DELETE", "http://10.0.0.1:8080/", true],
  [{ "*": ["GET"] }, "POST", "https://api.example.com/", false],
  // A `*` in a host is exactly one label.
  [{ "https://*.example.com": ["GET"] }, "GET", "https://a.example.com/", true],
  [{ "https://*.example.com": ["GET"] }, "GET", "https://a.b.example.com/", false],
  [{ "https://*.example.com": ["GET"] }, "GET", "https://example.com/", false],
  [{ "https://*.example.com": ["GET"] }, "GET", "https://example.com.evil.com/", false],
  [{ "https://*.example.com": ["GET"] }, "GET", "https://evil.com/?.example.com", false],
  [{ "https://*.archive.org": ["GET"] }, "GET", "https://ia800.us.archive.org/x", false],
  [{ "https://*.*.archive.org": ["GET"] }, "GET", "https://ia800.us.archive.org/x", true],
  [{ "https://api.*.com": ["GET"] }, "GET", "https://api.example.com/v1", true],
  // In an IP pattern a `*` is digits and dots.
  [{ "http://192.168.*": ["GET"] }, "GET", "http://192.168.1.20/", true],
  [{ "http://192.168.1.*": ["GET"] }, "GET", "http://192.168.2.20/", false],
  // A path that is empty or `/` in a pattern with a `*` allows any path.
  [{ "https://*.example.com/": ["GET"] }, "GET", "https://a.example.com/deep/path", true],
  [{ "https://api.example.com:*": ["GET"] }, "GET", "https://api.example.com:9999/any", true],
  // Without a `*`, the path must be equal (empty is `/`).
  [{ "https://api.example.com": ["GET"] }, "GET", "https://api.example.com", true],
  [{ "https://api.example.com": ["GET"] }, "GET", "https://api.example.com/other", false],
  [{ "https://api.example.com/v1/ping": ["GET"] }, "GET", "https://api.example.com/v1/ping?x=1", true],
  // A path ending in `/*` is that prefix (nd: not `/apix`).
  [{ "https://api.example.com/api/*": ["GET"] }, "GET", "https://api.example.com/api/artists/1", true],
  [{ "https://api.example.com/api/*": ["GET"] }, "GET", "https://api.example.com/api", true],
  [{ "https://api.example.com/api/*": ["GET"] }, "GET", "https://api.example.com/apix", false],
  [{ "https://api.example.com/api/*": ["GET"] }, "GET", "https://api.example.com/v2/api/x", false],
  [{ "https://api.example.com/v1/*/info": ["GET"] }, "GET", "https://api.example.com/v1/a/b/info", true],
  // nd: `..` is resolved before matching, and a `..` hidden by percent-encoding is refused.
  [{ "https://api.example.com/api/*": ["GET"] }, "GET", "https://api.example.com/api/../admin", false],
  [{ "https://api.example.com/api/*": ["GET"] }, "GET", "https://api.example.com/api/..%2fadmin", false],
  [{ "https://api.example.com/api/*": ["GET"] }, "GET", "https://api.example.com/api/%2e%2e/admin", false],
  [{ "https://api.example.com/api/*": ["GET"] }, "GET", "https://api.example.com/api/..%5cadmin", false],
  [{ "https://api.example.com/api/*": ["GET"] }, "GET", "https://api.example.com/api/AC%2FDC", true],
  // A pattern without a scheme matches any scheme.
  [{ "api.example.com/*": ["GET"] }, "GET", "http://api.example.com/x", true],
  [{ "api.example.com/*": ["GET"] }, "GET", "https://api.example.com/x", true],
  [{ "https://api.example.com/*": ["GET"] }, "GET", "http://api.example.com/x", false],
  // Ports: none in the pattern is the scheme's default port.
  [{ "https://api.example.com/*": ["GET"] }, "GET", "https://api.example.com:8443/x", false],
  [{ "https://api.example.com:8443/*": ["GET"] }, "GET", "https://api.example.com:8443/x", true],
  [{ "https://API.Example.com/*": ["GET"] }, "GET", "https://api.example.com/x", true],
  // Exact patterns first: their methods decide, even when a wildcard would allow.
  [{ "https://api.example.com/v1/login": ["POST"], "https://api.example.com/*": ["*"] }, "GET", "https://api.example.com/v1/login", false],
  [{ "https://api.example.com/v1/login": ["POST"], "https://api.example.com/*": ["*"] }, "POST", "https://api.example.com/v1/login", true],
  [{ "https://api.example.com/v1/login": ["POST"], "https://api.example.com/*": ["*"] }, "GET", "https://api.example.com/v1/other", true],
  // Then any wildcard pattern listing the method.
  [{ "https://api.example.com/*": ["GET"], "https://*.example.com/*": ["POST"] }, "POST", "https://api.example.com/x", true],
  // Method lists: `*` is all, methods are case-insensitive, an empty list allows nothing.
  [{ "https://api.example.com/*": ["get"] }, "GET", "https://api.example.com/x", true],
  [{ "https://api.example.com/*": ["GET", "GET"] }, "GET", "https://api.example.com/x", true],
  [{ "https://api.example.com/*": [] }, "GET", "https://api.example.com/x", false],
  // An empty map allows nothing.
  [{}, "GET", "https://api.example.com/", false],
];

describe("http allowedUrls", () => {
  test.each(CASES)("%j %s %s: %s", (allowedUrls, method, url, expected) => {
    expect(allowed(allowedUrls, method, url)).toBe(expected);
  });

  test("patterns that can never match are reported, not refused", () => {
    const compiled = compileHttpAllowList(
      { "ftp://files.example.com": ["GET"], "https://api.example.com/x?q=1": ["GET"], "https://a.example.com": ["GET"] },
      "test",
    )!;
    expect(compiled.unusable.map((pattern) => pattern.source)).toEqual([
      "ftp://files.example.com",
      "https://api.example.com/x?q=1",
    ]);
    expect(compiled.allows(new URL("https://a.example.com/"), "GET")).toBe(true);
  });
});

describe("websocket allowedUrls", () => {
  const wsAllowed = (patterns: string[], url: string) => compileWebSocketAllowList(patterns, "test")!.allows(new URL(url));

  test.each([
    [["wss://gateway.discord.gg"], "wss://gateway.discord.gg/?v=10&encoding=json", true],
    [["wss://gateway.discord.gg"], "wss://gateway.discord.gg/other", false],
    [["wss://*.discord.gg"], "wss://gateway.discord.gg/x", true],
    [["gateway.discord.gg/*"], "ws://gateway.discord.gg/x", true],
    [["wss://gateway.discord.gg", "wss://gateway.discord.gg"], "wss://gateway.discord.gg/", true],
    // An http(s) pattern is accepted in a manifest, but never matches a ws(s) URL (as in Navidrome).
    [["https://gateway.discord.gg/*"], "wss://gateway.discord.gg/x", false],
    [["*"], "wss://anything.example/", true],
  ] as const)("%j %s: %s", (patterns, url, expected) => {
    expect(wsAllowed([...patterns], url)).toBe(expected);
  });
});

describe("hostile patterns", () => {
  test("a path pattern of many stars against a long path answers at once, without backtracking", () => {
    const pattern = `https://api.example.com/${"*a".repeat(200)}b`;
    const url = new URL(`https://api.example.com/${"a".repeat(5000)}`);
    const compiled = compileHttpAllowList({ [pattern]: ["GET"] }, "test")!;
    expect(compiled.allows(url, "GET")).toBe(false);
    expect(compiled.allows(new URL(`${url.href}b`), "GET")).toBe(true);
  });
});
