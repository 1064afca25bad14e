import { describe, expect, test } from "vitest";
import { type ManifestProblem, validateManifest } from "../src/index.js";

const CAPABILITIES = "MetadataAgent, Scrobbler, SchedulerCallback, WebSocketCallback, LifecycleManagement";
const METHODS = "GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, *";

/** The seed form: the smallest manifest that grants a service. */
const seed = {
  name: "my-plugin",
  author: "Plugin Developer",
  version: "1.0.0",
  description: "Fetches artist biographies",
  capabilities: ["MetadataAgent"],
  permissions: { http: {} },
};

function seedWith(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...seed, ...changes };
}

function seedWithout(field: keyof typeof seed): Record<string, unknown> {
  const { [field]: _removed, ...rest } = seed;
  return rest;
}

function range(length: number): number[] {
  return Array.from({ length }, (_, index) => index);
}

function permissions(granted: Record<string, unknown>): Record<string, unknown> {
  return seedWith({ permissions: granted });
}

const validCases: [string, unknown][] = [
  ["the seed form", seed],
  ["no permissions at all", permissions({})],
  [
    "every capability and every service",
    seedWith({
      capabilities: ["MetadataAgent", "Scrobbler", "SchedulerCallback", "WebSocketCallback", "LifecycleManagement"],
      permissions: { http: {}, cache: {}, config: {}, scheduler: {}, websocket: {}, artwork: {} },
    }),
  ],
  [
    "the richer released form",
    {
      $schema: "https://unpkg.com/@nd/manifest/schema/manifest.schema.json",
      name: "discord-rich-presence",
      author: "Navidrome Plugins",
      version: "2.1.0-beta.1+build.5",
      description: "Shows what you are listening to on Discord",
      website: "https://github.com/example/discord-rich-presence",
      capabilities: ["Scrobbler", "SchedulerCallback", "WebSocketCallback", "LifecycleManagement"],
      permissions: {
        http: {
          reason: "Talk to the Discord API",
          allowedUrls: {
            "https://discord.com/api/*": ["GET", "POST", "PATCH"],
            "https://*.discordapp.net/*": ["*"],
          },
          allowLocalNetwork: false,
        },
        websocket: {
          reason: "Keep a gateway connection open",
          allowedUrls: ["wss://gateway.discord.gg/*", "ws://127.0.0.1:8080/socket"],
          allowLocalNetwork: true,
        },
        cache: { reason: "Remember session tokens" },
        config: { reason: "Read the user's token" },
        scheduler: { reason: "Send heartbeats" },
        artwork: { reason: "Link cover art" },
      },
    },
  ],
  [
    "unknown permission keys, whatever their value",
    permissions({ http: {}, filesystem: { paths: ["/tmp"] }, future: true, nothing: null, HTTP: "ignored" }),
  ],
  ["a one-letter name", seedWith({ name: "a" })],
  ["a name with digits, '.', '_' and '-'", seedWith({ name: "0day.lyrics_v2-x" })],
  ["a long name", seedWith({ name: "n".repeat(300) })],
  ["a website with path and query", seedWith({ website: "http://example.com/plugins?id=7" })],
  ["an author with non-ASCII letters", seedWith({ author: "Zoë Ñandú 作者" })],
  ["an empty reason", permissions({ cache: { reason: "" } })],
  ["subsonicapi granted with {}", permissions({ subsonicapi: {} })],
  [
    "subsonicapi scoped to users, admins allowed",
    permissions({ subsonicapi: { reason: "Reads playlists", allowedUsernames: ["alice", "Bob"], allowAdmins: true } }),
  ],
  [
    "exactly 100 http URL patterns",
    permissions({ http: { allowedUrls: Object.fromEntries(range(100).map((i) => [`https://h${i}.example.com/*`, ["*"]])) } }),
  ],
];

const invalidCases: [string, unknown, ManifestProblem[]][] = [
  ["an array instead of an object", [], [{ path: "", message: "the manifest must be an object; got an empty array" }]],
  ["null", null, [{ path: "", message: "the manifest must be an object; got null" }]],
  [
    "an empty object",
    {},
    ["name", "author", "version", "description", "capabilities", "permissions"].map((field) => ({
      path: `/${field}`,
      message: `the manifest is missing the required field "${field}"`,
    })),
  ],
  [
    "missing name",
    seedWithout("name"),
    [{ path: "/name", message: 'the manifest is missing the required field "name"' }],
  ],
  [
    "missing permissions",
    seedWithout("permissions"),
    [{ path: "/permissions", message: 'the manifest is missing the required field "permissions"' }],
  ],
  [
    "empty capabilities",
    seedWith({ capabilities: [] }),
    [{ path: "/capabilities", message: "capabilities must list at least one capability the plugin implements" }],
  ],
  [
    "a capability in the wrong case",
    seedWith({ capabilities: ["MetadataAgent", "metadataAgent"] }),
    [
      {
        path: "/capabilities/1",
        message: `capabilities[1] must be one of ${CAPABILITIES}; got "metadataAgent" (names are case-sensitive: write "MetadataAgent")`,
      },
    ],
  ],
  [
    "an unknown capability",
    seedWith({ capabilities: ["Lyrics"] }),
    [{ path: "/capabilities/0", message: `capabilities[0] must be one of ${CAPABILITIES}; got "Lyrics"` }],
  ],
  [
    "capabilities as a string",
    seedWith({ capabilities: "Scrobbler" }),
    [{ path: "/capabilities", message: 'capabilities must be an array; got "Scrobbler"' }],
  ],
  ["a number as name", seedWith({ name: 42 }), [{ path: "/name", message: "name must be a string; got 42" }]],
  ["an empty name", seedWith({ name: "" }), [{ path: "/name", message: "name must not be empty: it is the plugin's identity" }]],
  [
    "permissions as an array",
    seedWith({ permissions: ["http"] }),
    [{ path: "/permissions", message: "permissions must be an object; got an array" }],
  ],
  [
    "a known permission that is not an object",
    permissions({ http: true }),
    [{ path: "/permissions/http", message: "permissions.http must be an object (write {} to grant the service); got true" }],
  ],
  [
    "an http method in lower case",
    permissions({ http: { allowedUrls: { "https://example.com/*": ["get"] } } }),
    [
      {
        path: "/permissions/http/allowedUrls/https:~1~1example.com~1*/0",
        message: `permissions.http.allowedUrls["https://example.com/*"][0] must be one of ${METHODS}; got "get" (names are case-sensitive: write "GET")`,
      },
    ],
  ],
  [
    "an unknown http method",
    permissions({ http: { allowedUrls: { "https://example.com/*": ["GET", "FETCH"] } } }),
    [
      {
        path: "/permissions/http/allowedUrls/https:~1~1example.com~1*/1",
        message: `permissions.http.allowedUrls["https://example.com/*"][1] must be one of ${METHODS}; got "FETCH"`,
      },
    ],
  ],
  [
    "an empty http allowedUrls",
    permissions({ http: { allowedUrls: {} } }),
    [
      {
        path: "/permissions/http/allowedUrls",
        message: "permissions.http.allowedUrls must list at least one URL pattern; leave allowedUrls out to allow every URL",
      },
    ],
  ],
  [
    "http allowedUrls written as a list",
    permissions({ http: { allowedUrls: ["https://example.com/*"] } }),
    [{ path: "/permissions/http/allowedUrls", message: "permissions.http.allowedUrls must be an object; got an array" }],
  ],
  [
    "allowLocalNetwork as a string",
    permissions({ http: { allowLocalNetwork: "true" } }),
    [
      {
        path: "/permissions/http/allowLocalNetwork",
        message: 'permissions.http.allowLocalNetwork must be true or false; got "true"',
      },
    ],
  ],
  [
    "websocket allowedUrls written as an object",
    permissions({ websocket: { allowedUrls: { "wss://example.com/*": ["GET"] } } }),
    [
      {
        path: "/permissions/websocket/allowedUrls",
        message: "permissions.websocket.allowedUrls must be an array; got an object",
      },
    ],
  ],
  [
    "an empty websocket allowedUrls",
    permissions({ websocket: { allowedUrls: [] } }),
    [
      {
        path: "/permissions/websocket/allowedUrls",
        message: "permissions.websocket.allowedUrls must list at least one URL pattern; leave allowedUrls out to allow every URL",
      },
    ],
  ],
  [
    "a non-string websocket pattern",
    permissions({ websocket: { allowedUrls: ["wss://a.example.com/", 7] } }),
    [{ path: "/permissions/websocket/allowedUrls/1", message: "permissions.websocket.allowedUrls[1] must be a string; got 7" }],
  ],
  [
    "subsonicapi with a non-boolean allowAdmins",
    permissions({ subsonicapi: { allowedUsernames: ["alice"], allowAdmins: "yes" } }),
    [
      { path: "/permissions/subsonicapi/allowAdmins", message: 'permissions.subsonicapi.allowAdmins must be true or false; got "yes"' },
    ],
  ],
  [
    "a reason that is not a string",
    permissions({ artwork: { reason: 3 } }),
    [{ path: "/permissions/artwork/reason", message: "permissions.artwork.reason must be a string; got 3" }],
  ],
];

describe("validateManifest accepts", () => {
  test.each(validCases)("%s", (_name, manifest) => {
    expect(validateManifest(manifest)).toEqual({ ok: true, manifest, warnings: [] });
  });
});

describe("validateManifest refuses", () => {
  test.each(invalidCases)("%s", (_name, manifest, problems) => {
    expect(validateManifest(manifest)).toEqual({ ok: false, problems, warnings: [] });
  });
});

test("a top-level field in the wrong case is no stand-in for the right one, and says so", () => {
  expect(validateManifest({ ...seedWithout("name"), Name: "my-plugin" })).toEqual({
    ok: false,
    problems: [{ path: "/name", message: 'the manifest is missing the required field "name"' }],
    warnings: [
      {
        path: "/Name",
        message: 'the manifest has an unknown field "Name", which is ignored (did you mean "name"? names are case-sensitive)',
      },
    ],
  });
});

test("unknown fields are accepted and reported as warnings, at the top level and in known permissions", () => {
  const manifest = {
    ...seed,
    homepage: "https://example.com",
    permissions: {
      http: { allowedURLs: { "https://example.com/*": ["GET"] }, reason: "API" },
      cache: { ttl: 60 },
      future: { anything: 1 },
    },
  };
  expect(validateManifest(manifest)).toEqual({
    ok: true,
    manifest,
    warnings: [
      { path: "/homepage", message: 'the manifest has an unknown field "homepage", which is ignored' },
      {
        path: "/permissions/http/allowedURLs",
        message:
          'permissions.http has an unknown field "allowedURLs", which is ignored (did you mean "allowedUrls"? names are case-sensitive)',
      },
      { path: "/permissions/cache/ttl", message: 'permissions.cache has an unknown field "ttl", which is ignored' },
    ],
  });
});

test("every problem is returned, not just the first", () => {
  const result = validateManifest({
    ...seed,
    name: "",
    capabilities: ["scrobbler"],
    permissions: { http: { allowedUrls: { "https://example.com/*": ["get"] } }, websocket: [] },
  });
  expect(result.ok).toBe(false);
  expect(result.ok ? [] : result.problems.map((problem) => problem.path)).toEqual([
    "/name",
    "/capabilities/0",
    "/permissions/http/allowedUrls/https:~1~1example.com~1*/0",
    "/permissions/websocket",
  ]);
});

test("messages quote short values whole and cut long ones short", () => {
  const short = validateManifest(seedWith({ capabilities: ["y".repeat(60)] }));
  expect(short.ok ? "" : short.problems[0]?.message).toMatch(/got "y{60}"$/);
  const long = validateManifest(seedWith({ capabilities: ["y".repeat(200)] }));
  expect(long.ok ? "" : long.problems[0]?.message).toMatch(/got "y{75}\.\.\."$/);
});
