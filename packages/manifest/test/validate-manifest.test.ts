import { describe, expect, test } from "vitest";
import { type ManifestProblem, validateManifest } from "../src/index.js";

const CAPABILITIES = "MetadataAgent, Scrobbler, SchedulerCallback, WebSocketCallback, LifecycleManagement";
const METHODS = "GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, *";
const URL_PATTERN = 'an http:// or https:// URL pattern without spaces, such as "https://api.example.com/*"';
const WS_PATTERN = 'a ws:// or wss:// URL pattern without spaces, such as "wss://gateway.example.com/*"';
const NAME_RULE =
  "must start with a lowercase letter or a digit and contain only lowercase letters, digits, '-', '_' and '.' (it is used as a folder name)";

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
  ["a name of exactly 64 characters", seedWith({ name: "n".repeat(64) })],
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
    "a duplicate capability",
    seedWith({ capabilities: ["Scrobbler", "MetadataAgent", "Scrobbler"] }),
    [{ path: "/capabilities", message: 'capabilities must not repeat "Scrobbler" (items 0 and 2 are the same)' }],
  ],
  [
    "capabilities as a string",
    seedWith({ capabilities: "Scrobbler" }),
    [{ path: "/capabilities", message: 'capabilities must be an array; got "Scrobbler"' }],
  ],
  [
    "a name with capitals and a space",
    seedWith({ name: "My Plugin" }),
    [{ path: "/name", message: `name ${NAME_RULE}; got "My Plugin"` }],
  ],
  [
    "a name with a leading dot",
    seedWith({ name: ".hidden" }),
    [{ path: "/name", message: `name ${NAME_RULE}; got ".hidden"` }],
  ],
  [
    "a name that climbs out of the plugins folder",
    seedWith({ name: "../evil" }),
    [{ path: "/name", message: `name ${NAME_RULE}; got "../evil"` }],
  ],
  [
    "a name longer than 64 characters",
    seedWith({ name: "n".repeat(65) }),
    [{ path: "/name", message: "name must be at most 64 characters long; got 65 characters" }],
  ],
  ["a number as name", seedWith({ name: 42 }), [{ path: "/name", message: "name must be a string; got 42" }]],
  [
    "a blank author",
    seedWith({ author: "  " }),
    [{ path: "/author", message: 'author must not be empty or blank; got "  "' }],
  ],
  [
    "an empty description",
    seedWith({ description: "" }),
    [{ path: "/description", message: 'description must not be empty or blank; got ""' }],
  ],
  [
    "a version with a space",
    seedWith({ version: "1.0 beta" }),
    [{ path: "/version", message: 'version must be a non-empty version without spaces, such as "1.0.0"; got "1.0 beta"' }],
  ],
  [
    "an ftp website",
    seedWith({ website: "ftp://example.com" }),
    [{ path: "/website", message: 'website must be an http:// or https:// URL; got "ftp://example.com"' }],
  ],
  [
    "a website that is not a URL",
    seedWith({ website: "https://exa mple.com" }),
    [
      {
        path: "/website",
        message: 'website must be an absolute URL, such as "https://example.com"; got "https://exa mple.com"',
      },
    ],
  ],
  [
    "an unknown top-level field",
    seedWith({ homepage: "https://example.com" }),
    [
      {
        path: "/homepage",
        message:
          'the manifest has an unknown field "homepage"; allowed fields are $schema, name, author, version, description, website, capabilities, permissions',
      },
    ],
  ],
  [
    "a top-level field in the wrong case",
    { ...seedWithout("name"), Name: "my-plugin" },
    [
      { path: "/name", message: 'the manifest is missing the required field "name"' },
      {
        path: "/Name",
        message:
          'the manifest has an unknown field "Name"; allowed fields are $schema, name, author, version, description, website, capabilities, permissions (did you mean "name"? names are case-sensitive)',
      },
    ],
  ],
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
    "an unknown field in a simple permission",
    permissions({ cache: { ttl: 60 } }),
    [
      {
        path: "/permissions/cache/ttl",
        message: 'permissions.cache has an unknown field "ttl"; allowed fields are reason',
      },
    ],
  ],
  [
    "a misspelt allowedUrls",
    permissions({ http: { allowedURLs: { "https://example.com/*": ["GET"] } } }),
    [
      {
        path: "/permissions/http/allowedURLs",
        message:
          'permissions.http has an unknown field "allowedURLs"; allowed fields are reason, allowLocalNetwork, allowedUrls (did you mean "allowedUrls"? names are case-sensitive)',
      },
    ],
  ],
  [
    "an http URL pattern with another scheme",
    permissions({ http: { allowedUrls: { "ftp://example.com/*": ["GET"] } } }),
    [
      {
        path: "/permissions/http/allowedUrls/ftp:~1~1example.com~1*",
        message: `permissions.http.allowedUrls key "ftp://example.com/*" must be ${URL_PATTERN}; got "ftp://example.com/*"`,
      },
    ],
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
    "an http URL pattern with no methods",
    permissions({ http: { allowedUrls: { "https://example.com/*": [] } } }),
    [
      {
        path: "/permissions/http/allowedUrls/https:~1~1example.com~1*",
        message: 'permissions.http.allowedUrls["https://example.com/*"] must list at least one HTTP method, or "*" for all of them',
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
    "a websocket pattern with an http scheme",
    permissions({ websocket: { allowedUrls: ["wss://ok.example.com/*", "https://example.com/socket"] } }),
    [
      {
        path: "/permissions/websocket/allowedUrls/1",
        message: `permissions.websocket.allowedUrls[1] must be ${WS_PATTERN}; got "https://example.com/socket"`,
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
    "more than 100 http URL patterns",
    permissions({
      http: { allowedUrls: Object.fromEntries(range(101).map((i) => [`https://h${i}.example.com/*`, ["GET"]])) },
    }),
    [{ path: "/permissions/http/allowedUrls", message: "permissions.http.allowedUrls must have at most 100 entries; got 101" }],
  ],
  [
    "an http URL pattern longer than 2048 characters",
    permissions({ http: { allowedUrls: { [`https://example.com/${"a".repeat(2030)}`]: ["GET"] } } }),
    [
      {
        path: `/permissions/http/allowedUrls/https:~1~1example.com~1${"a".repeat(2030)}`,
        message: `permissions.http.allowedUrls key "https://example.com/${"a".repeat(55)}..." must be at most 2048 characters long; got 2050 characters`,
      },
    ],
  ],
  [
    "repeated and non-string websocket patterns",
    permissions({ websocket: { allowedUrls: ["wss://a.example.com/", "wss://a.example.com/", 7] } }),
    [
      { path: "/permissions/websocket/allowedUrls/2", message: "permissions.websocket.allowedUrls[2] must be a string; got 7" },
      {
        path: "/permissions/websocket/allowedUrls",
        message: 'permissions.websocket.allowedUrls must not repeat "wss://a.example.com/" (items 0 and 1 are the same)',
      },
    ],
  ],
  [
    "subsonicapi with an empty user name and a non-boolean allowAdmins",
    permissions({ subsonicapi: { allowedUsernames: [""], allowAdmins: "yes" } }),
    [
      {
        path: "/permissions/subsonicapi/allowedUsernames/0",
        message: "permissions.subsonicapi.allowedUsernames[0] must not be empty",
      },
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
    expect(validateManifest(manifest)).toEqual({ ok: true, manifest });
  });
});

describe("validateManifest refuses", () => {
  test.each(invalidCases)("%s", (_name, manifest, problems) => {
    expect(validateManifest(manifest)).toEqual({ ok: false, problems });
  });
});

test("every problem is returned, not just the first", () => {
  const result = validateManifest({
    ...seed,
    name: "Bad Name",
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
  const result = validateManifest(seedWith({ name: "X".repeat(60) }));
  expect(result).toEqual({ ok: false, problems: [{ path: "/name", message: `name ${NAME_RULE}; got "${"X".repeat(60)}"` }] });
  const long = validateManifest(seedWith({ capabilities: ["y".repeat(200)] }));
  expect(long.ok ? "" : long.problems[0]?.message).toMatch(/got "y{75}\.\.\."$/);
});
