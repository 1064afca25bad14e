import { describe, expect, test } from "vitest";
import { compileHttpAllowList, compileWebSocketAllowList, type HttpMethod } from "../src/network/allow-list.js";
import type { StepCounter } from "../src/network/glob-match.js";
import { compileUrlPattern, isUsable, urlTarget } from "../src/network/url-pattern.js";

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
  // A port `:*` needs a port in the URL (nd: an explicit default port is dropped by the URL parser).
  [{ "https://api.example.com:*": ["GET"] }, "GET", "https://api.example.com/any", false],
  [{ "https://api.example.com:*": ["GET"] }, "GET", "https://api.example.com:443/any", false],
  // A host that is only `*` is any host.
  [{ "https://*": ["GET"] }, "GET", "https://a.b.example.org/deep/path", true],
  [{ "https://*": ["GET"] }, "GET", "https://10.0.0.1/", true],
  [{ "https://*": ["GET"] }, "GET", "http://a.example.org/", false],
  [{ "https://*/api/*": ["GET"] }, "GET", "https://a.b.example.org/api/x", true],
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
  // nd: an encoded separator is refused too (servers disagree on whether it splits the path).
  [{ "https://api.example.com/api/*": ["GET"] }, "GET", "https://api.example.com/api/AC%2FDC", false],
  [{ "https://api.example.com/api/*": ["GET"] }, "GET", "https://api.example.com/api/bad%zz", false],
  // The path is matched decoded, as Go's URL parser hands it to Navidrome's matcher.
  [{ "http://public.test/api/admin": [], "http://public.test/api/*": ["GET"] }, "GET", "http://public.test/api/%61dmin", false],
  [{ "http://public.test/api/admin": [], "http://public.test/api/*": ["GET"] }, "GET", "http://public.test/api/admi%6E", false],
  [{ "http://public.test/api/admin": [], "http://public.test/api/*": ["GET"] }, "GET", "http://public.test/api/other", true],
  [{ "http://public.test/api/caf%C3%A9": ["GET"] }, "GET", "http://public.test/api/caf%c3%a9", true],
  [{ "http://public.test/api/caf%C3%A9": ["GET"] }, "GET", "http://public.test/api/café", true],
  [{ "http://public.test/v1/*/info": ["GET"] }, "GET", "http://public.test/v1/x%2Finfo", false],
  // A pattern without a scheme matches nothing, as in Navidrome.
  [{ "api.example.com/*": ["GET"] }, "GET", "http://api.example.com/x", false],
  [{ "api.example.com/*": ["GET"] }, "GET", "https://api.example.com/x", false],
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

  test("a pattern without a scheme is refused, with the scheme to add", () => {
    const http = compileHttpAllowList({ "api.example.com/*": ["GET"], "localhost:8080/x": ["GET"] }, "test")!;
    expect(http.unusable.map((pattern) => pattern.problem)).toEqual([
      expect.stringContaining('write "https://api.example.com/*"'),
      expect.stringContaining('write "https://localhost:8080/x"'),
    ]);
    const websocket = compileWebSocketAllowList(["gateway.discord.gg/*"], "test")!;
    expect(websocket.unusable.map((pattern) => pattern.problem)).toEqual([
      expect.stringContaining('write "wss://gateway.discord.gg/*"'),
    ]);
  });
});

describe("websocket allowedUrls", () => {
  const wsAllowed = (patterns: string[], url: string) => compileWebSocketAllowList(patterns, "test")!.allows(new URL(url));

  test.each([
    [["wss://gateway.discord.gg"], "wss://gateway.discord.gg/?v=10&encoding=json", true],
    [["wss://gateway.discord.gg"], "wss://gateway.discord.gg/other", false],
    [["wss://*.discord.gg"], "wss://gateway.discord.gg/x", true],
    [["gateway.discord.gg/*"], "ws://gateway.discord.gg/x", false],
    [["wss://gateway.discord.gg/api/*"], "wss://gateway.discord.gg/api/%2e%2e/admin", false],
    [["wss://gateway.discord.gg/api/admin", "wss://gateway.discord.gg/api/*"], "wss://gateway.discord.gg/api/%61dmin", true],
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

  /** The steps one match takes; the bound is linear in the pattern's and the URL's lengths. */
  function stepsOf(pattern: string, url: string, schemes = ["https", "wss"]): { matched: boolean; steps: number } {
    const compiled = compileUrlPattern(pattern, schemes);
    if (!isUsable(compiled)) throw new Error(compiled.problem);
    const counter: StepCounter = { steps: 0 };
    const matched = compiled.matches(urlTarget(new URL(url))!, counter);
    return { matched, steps: counter.steps };
  }

  // Each case once held a regular expression (`[^.]+` or `[0-9.]+` per `*`) that backtracked for seconds.
  const label = "a".repeat(60);
  test.each([
    ["12 stars in one label", `https://${"*a".repeat(12)}b.example.com/*`, `https://${label}.example.com/`],
    ["16 stars in one label", `https://${"*a".repeat(16)}b.example.com/*`, `https://${label}.example.com/`],
    ["16 stars over labels", `https://${Array(16).fill("*a*b").join(".")}/*`, `https://${Array(16).fill(label).join(".")}/`],
    ["stars in an IP pattern", `https://1${"*1".repeat(16)}2`, `https://${"1.1.1.1"}/`],
    ["stars in a long IP pattern", `https://${"1*".repeat(16)}2/*`, `https://111.111.111.111/`],
    ["websocket, 16 stars", `wss://${"*a".repeat(16)}b.example.com/*`, `wss://${label}.example.com/`],
    ["many stars in a path", `https://api.example.com/${"*a".repeat(200)}b`, `https://api.example.com/${"a".repeat(4000)}`],
  ])("%s: the work is linear in the lengths", (_name, pattern, url) => {
    const { matched, steps } = stepsOf(pattern, url);
    expect(matched).toBe(false);
    expect(steps).toBeLessThanOrEqual(4 * (pattern.length + url.length));
  });

  test("the counter counts: a matching host takes steps, and twice the length takes about twice the steps", () => {
    const short = stepsOf("https://*b*c.example.com/*", `https://${"a".repeat(100)}bxc.example.com/`);
    const long = stepsOf("https://*b*c.example.com/*", `https://${"a".repeat(200)}bxc.example.com/`);
    expect(short.matched).toBe(true);
    expect(short.steps).toBeGreaterThan(100);
    expect(long.steps).toBeLessThan(2.5 * short.steps);
  });
});
