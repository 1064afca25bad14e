import { describe, expect, test } from "vitest";
import { ConfigurationError } from "../src/index.js";
import { compileUrlPattern } from "../src/network/url-pattern.js";

const matches = (pattern: string, url: string) => compileUrlPattern(pattern, ["http", "https"], "test").matches(new URL(url));

describe("allowedUrls patterns", () => {
  test.each([
    ["https://api.example.com", "https://api.example.com/any/path?q=1", true],
    ["https://api.example.com", "http://api.example.com/", false],
    ["https://api.example.com", "https://api.example.com:8443/", false],
    ["https://api.example.com:8443", "https://api.example.com:8443/x", true],
    ["https://api.example.com:*", "https://api.example.com:9999/x", true],
    ["https://API.Example.com/v1/*", "https://api.example.com/v1/artists/1", true],
    ["https://api.example.com/v1/*", "https://api.example.com/v2/artists", false],
    ["https://api.example.com/v1/*", "https://api.example.com/v1/../v2/x", false],
    ["https://api.example.com/v1/*/info", "https://api.example.com/v1/a/b/info", true],
    ["https://api.example.com/", "https://api.example.com/other", false],
    ["https://*.example.com", "https://a.example.com/", true],
    ["https://*.example.com", "https://a.b.example.com/", true],
    ["https://*.example.com", "https://example.com/", false],
    ["https://*.example.com", "https://evil.com/?.example.com", false],
    ["https://*.example.com", "https://example.com.evil.com/", false],
    ["https://api.example.com", "https://api.example.com:443/", true],
    ["http://[::1]:8080/x", "http://[::1]:8080/x", true],
  ])("%s against %s: %s", (pattern, url, expected) => {
    expect(matches(pattern, url)).toBe(expected);
  });

  test.each([
    ["api.example.com/*", "expected scheme://host[:port][/path]"],
    ["ftp://files.example.com", "the scheme must be http or https"],
    ["https://api.example.com/path?query=1", "expected scheme://host[:port][/path]"],
    ["https://api.example.com:70000", "port 70000 is out of range"],
  ])("%s is refused: %s", (pattern, reason) => {
    expect(() => compileUrlPattern(pattern, ["http", "https"], "where")).toThrow(ConfigurationError);
    expect(() => compileUrlPattern(pattern, ["http", "https"], "where")).toThrow(
      `where: "${pattern}" is not a valid URL pattern: ${reason}`,
    );
  });
});
