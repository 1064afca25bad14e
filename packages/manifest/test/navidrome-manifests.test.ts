import { describe, expect, test } from "vitest";
import { parseManifestWithWarnings, validateManifest } from "../src/index.js";

const base = {
  name: "test-plugin",
  author: "Navidrome",
  version: "1.0.0",
  description: "A plugin",
  capabilities: ["MetadataAgent"],
  permissions: {},
};

const withFields = (changes: Record<string, unknown>) => ({ ...base, ...changes });
const withPermissions = (permissions: Record<string, unknown>) => withFields({ permissions });

// Manifests Navidrome v0.57 loads; nd accepts every one. `warns` counts the unknown fields reported.
const ACCEPTED: [title: string, manifest: Record<string, unknown>, warns: number][] = [
  // Names: any non-empty text.
  ["a name with spaces and capitals", withFields({ name: "Fake Album Agent" }), 0],
  ["a name in CamelCase", withFields({ name: "WikimediaAgent" }), 0],
  ["a name with a leading dot", withFields({ name: ".hidden" }), 0],
  ["a name with a slash", withFields({ name: "acme/lyrics" }), 0],
  ["a name with non-ASCII letters", withFields({ name: "Café Bot ♫" }), 0],
  ["a name of one space", withFields({ name: " " }), 0],
  ["a very long name", withFields({ name: "Plugin ".repeat(40) }), 0],
  // Other text fields.
  ["a version that is not semver", withFields({ version: "v2 beta" }), 0],
  ["a blank author", withFields({ author: "  " }), 0],
  ["a website that is not a URL", withFields({ website: "my website" }), 0],
  ["an empty website", withFields({ website: "" }), 0],
  ["an ftp website", withFields({ website: "ftp://example.com" }), 0],
  ["a website without scheme", withFields({ website: "github.com/navidrome/navidrome" }), 0],
  // Capabilities.
  ["repeated capabilities", withFields({ capabilities: ["Scrobbler", "Scrobbler"] }), 0],
  ["every capability, some twice", withFields({ capabilities: ["MetadataAgent", "Scrobbler", "SchedulerCallback", "WebSocketCallback", "LifecycleManagement", "MetadataAgent"] }), 0],
  // Unknown fields: accepted and ignored, reported as warnings.
  ["an unknown top-level field", withFields({ homepage: "https://example.com" }), 1],
  ["several unknown top-level fields", withFields({ license: "MIT", tags: ["x"], config: { a: 1 } }), 3],
  ["a top-level field in the wrong case next to the right one", withFields({ Name: "Other" }), 1],
  ["an unknown field in cache", withPermissions({ cache: { ttl: 60 } }), 1],
  ["an unknown field in http", withPermissions({ http: { reason: "API", allowedHosts: ["api.example.com"] } }), 1],
  ["an unknown field in websocket", withPermissions({ websocket: { reason: "gateway", maxConnections: 1 } }), 1],
  ["an unknown field in scheduler", withPermissions({ scheduler: { reason: "beats", maxJobs: 5 } }), 1],
  ["unknown permission keys", withPermissions({ filesystem: { paths: ["/tmp"] }, future: true }), 0],
  // Permissions in the original `{}` form, without reason.
  ["every service granted with {}", withPermissions({ http: {}, cache: {}, config: {}, scheduler: {}, websocket: {}, artwork: {} }), 0],
  ["permissions with reasons", withPermissions({ http: { reason: "API" }, cache: { reason: "tokens" }, config: { reason: "keys" } }), 0],
  // http allowedUrls as Navidrome reads it.
  ['allowedUrls {"*": ["*"]}', withPermissions({ http: { reason: "anything", allowedUrls: { "*": ["*"] } } }), 0],
  ['allowedUrls {"*": ["GET"]}', withPermissions({ http: { allowedUrls: { "*": ["GET"] } } }), 0],
  ["an empty method list", withPermissions({ http: { allowedUrls: { "https://api.example.com/*": [] } } }), 0],
  ["a repeated method", withPermissions({ http: { allowedUrls: { "https://api.example.com/*": ["GET", "GET"] } } }), 0],
  ["a pattern without a scheme", withPermissions({ http: { allowedUrls: { "api.example.com/*": ["GET"] } } }), 0],
  ["a host wildcard without a scheme", withPermissions({ http: { allowedUrls: { "*.example.com": ["GET", "POST"] } } }), 0],
  ["a pattern with a port wildcard", withPermissions({ http: { allowedUrls: { "http://localhost:*/api/*": ["*"] } } }), 0],
  ["an IP pattern", withPermissions({ http: { allowLocalNetwork: true, allowedUrls: { "http://192.168.*": ["GET"] } } }), 0],
  ["a pattern with a query", withPermissions({ http: { allowedUrls: { "https://api.example.com/search?q=*": ["GET"] } } }), 0],
  ["a pattern with another scheme", withPermissions({ http: { allowedUrls: { "ftp://files.example.com/*": ["GET"] } } }), 0],
  ["more than 100 patterns", withPermissions({ http: { allowedUrls: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`https://h${i}.example.com/*`, ["GET"]])) } }), 0],
  ["exact and wildcard patterns together", withPermissions({ http: { allowedUrls: { "https://api.example.com/login": ["POST"], "https://api.example.com/*": ["GET"] } } }), 0],
  // websocket allowedUrls as Navidrome reads it.
  ["a websocket pattern with an https scheme", withPermissions({ websocket: { allowedUrls: ["https://gateway.discord.gg"] } }), 0],
  ["a websocket pattern with an http scheme", withPermissions({ websocket: { allowedUrls: ["http://localhost:8080/ws"] } }), 0],
  ["repeated websocket patterns", withPermissions({ websocket: { allowedUrls: ["wss://gateway.discord.gg", "wss://gateway.discord.gg"] } }), 0],
  ["a websocket pattern without a scheme", withPermissions({ websocket: { allowedUrls: ["gateway.discord.gg"] } }), 0],
  ['a websocket pattern "*"', withPermissions({ websocket: { allowedUrls: ["*"] } }), 0],
  // A Discord-style manifest, the way such plugins are written.
  [
    "a Discord rich presence manifest",
    {
      name: "Discord Rich Presence",
      author: "Navidrome",
      version: "1.0.0",
      description: "Discord Rich Presence integration for Navidrome",
      website: "https://github.com/navidrome/navidrome/tree/master/plugins/examples/discord-rich-presence",
      capabilities: ["Scrobbler", "SchedulerCallback", "WebSocketCallback", "LifecycleManagement"],
      permissions: {
        http: { reason: "To communicate with Discord API", allowedUrls: { "https://discord.com/api/*": ["GET", "POST"] } },
        websocket: { reason: "To maintain the gateway", allowedUrls: ["wss://gateway.discord.gg"] },
        config: { reason: "To access plugin configuration" },
        cache: { reason: "To cache tokens" },
        scheduler: { reason: "To schedule heartbeats" },
        artwork: { reason: "To get track artwork URLs" },
      },
    },
    0,
  ],
];

describe("manifests Navidrome v0.57 accepts", () => {
  test("the table is at least 40 cases", () => {
    expect(ACCEPTED.length).toBeGreaterThanOrEqual(40);
  });

  test.each(ACCEPTED)("%s", (_title, manifest, warns) => {
    const result = validateManifest(manifest);
    expect(result).toMatchObject({ ok: true, manifest });
    expect(result.warnings).toHaveLength(warns);
    const parsed = parseManifestWithWarnings(JSON.stringify(manifest));
    expect(parsed.manifest).toEqual(manifest);
    expect(parsed.warnings).toEqual(result.warnings);
  });
});

// Manifests Navidrome v0.57 loads that are odd: nd loads them as Go reads them (null is absent, the
// last of two keys wins) and warns at each odd place, given by its JSON Pointer.
const ACCEPTED_WITH_WARNINGS: [title: string, manifest: Record<string, unknown>, readAs: Record<string, unknown>, warnAt: string[]][] = [
  ["an empty author", withFields({ author: "" }), withFields({ author: "" }), ["/author"]],
  ["an empty version", withFields({ version: "" }), withFields({ version: "" }), ["/version"]],
  ["an empty description", withFields({ description: "" }), withFields({ description: "" }), ["/description"]],
  ["a null website", withFields({ website: null }), base, ["/website"]],
  ["null permissions", withFields({ permissions: null }), withPermissions({}), ["/permissions"]],
  ["a null http permission", withPermissions({ http: null, cache: {} }), withPermissions({ cache: {} }), ["/permissions/http"]],
  [
    "every known permission null",
    withPermissions({ http: null, cache: null, config: null, scheduler: null, websocket: null, artwork: null, subsonicapi: null }),
    withPermissions({}),
    ["http", "cache", "config", "scheduler", "websocket", "artwork", "subsonicapi"].map((key) => `/permissions/${key}`),
  ],
  [
    "an empty user name in subsonicapi.allowedUsernames",
    withPermissions({ subsonicapi: { allowedUsernames: ["alice", ""] } }),
    withPermissions({ subsonicapi: { allowedUsernames: ["alice", ""] } }),
    ["/permissions/subsonicapi/allowedUsernames/1"],
  ],
  ["a numeric $schema", withFields({ $schema: 7 }), withFields({ $schema: 7 }), ["/$schema"]],
  ["an object $schema", withFields({ $schema: {} }), withFields({ $schema: {} }), ["/$schema"]],
];

describe("odd manifests Navidrome v0.57 accepts: loaded as Go reads them, with a warning", () => {
  test.each(ACCEPTED_WITH_WARNINGS)("%s", (_title, manifest, readAs, warnAt) => {
    const result = validateManifest(manifest);
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.manifest).toEqual(readAs);
    expect(result.warnings.map((warning) => warning.path)).toEqual(warnAt);
    const parsed = parseManifestWithWarnings(JSON.stringify(manifest));
    expect(parsed.manifest).toEqual(readAs);
    expect(parsed.warnings).toEqual(result.warnings);
  });

  test("the input is left as it was", () => {
    const manifest = withFields({ website: null, permissions: { http: null } });
    validateManifest(manifest);
    expect(manifest).toEqual(withFields({ website: null, permissions: { http: null } }));
  });

  test("a key given twice: the last one is used, with a warning", () => {
    const text = JSON.stringify(base).replace('"name":"test-plugin"', '"name":"first","name":"test-plugin"');
    const { manifest, warnings } = parseManifestWithWarnings(text);
    expect(manifest).toEqual(base);
    expect(warnings.map((warning) => warning.path)).toEqual(["/name"]);
  });

  test("the warnings say what was read and what to do", () => {
    const { warnings } = validateManifest(withFields({ author: "", website: null, permissions: { http: null } }));
    expect(warnings.map((warning) => warning.message)).toEqual([
      "website is null, read as absent",
      "permissions.http is null, read as absent: the service is not granted",
      "author is empty; say who made the plugin",
    ]);
  });
});

// Manifests nd accepts and Navidrome v0.57 refuses, kept on purpose: the original description
// writes permissions as `{}`.
describe("accepted by nd though v0.57 refuses them", () => {
  test.each([
    ["permissions without reason", withPermissions({ cache: {}, config: {} })],
    ["http and websocket without allowedUrls", withPermissions({ http: {}, websocket: {} })],
    ["no website", base],
  ])("%s", (_title, manifest) => {
    expect(validateManifest(manifest)).toEqual({ ok: true, manifest, warnings: [] });
  });

  test("a byte-order mark before the text", () => {
    expect(parseManifestWithWarnings(`\uFEFF${JSON.stringify(base)}`)).toEqual({ manifest: base, warnings: [] });
  });
});

describe("what stays refused", () => {
  test.each([
    // The one exception to "every manifest v0.57 accepts loads": the name is the plugin's identity.
    ["an empty name", withFields({ name: "" }), "/name"],
    ["a null name", withFields({ name: null }), "/name"],
    ["no capabilities", withFields({ capabilities: [] }), "/capabilities"],
    ["an unknown capability", withFields({ capabilities: ["Lyrics"] }), "/capabilities/0"],
    ["a permission that is not an object", withPermissions({ http: true }), "/permissions/http"],
    ["an unknown method", withPermissions({ http: { allowedUrls: { "*": ["FETCH"] } } }), "/permissions/http/allowedUrls/*/0"],
  ])("%s", (_title, manifest, path) => {
    const result = validateManifest(manifest);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((problem) => problem.path)).toEqual([path]);
  });
});
