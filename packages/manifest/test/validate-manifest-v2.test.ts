import { describe, expect, test } from "vitest";
import {
  ManifestError,
  manifestSchemaV2,
  parseManifestV2,
  parseManifestV2WithWarnings,
  validateManifestV2,
  validateManifestV2Exports,
  type ManifestV2,
} from "../src/index.js";

const seed = { name: "Test Plugin", author: "Navidrome", version: "1.0.0" };

function problemsOf(value: unknown) {
  const result = validateManifestV2(value);
  return result.ok ? [] : result.problems;
}

describe("validateManifestV2 accepts what Navidrome v0.63 accepts", () => {
  test.each<[string, Record<string, unknown>]>([
    ["name, author and version only", seed],
    [
      "every permission with its options",
      {
        ...seed,
        description: "All of it",
        website: "https://example.com/plugin",
        experimental: { threads: { reason: "speed" } },
        permissions: {
          http: { reason: "APIs", requiredHosts: ["*.example.com", "api.example.org"] },
          websocket: { requiredHosts: ["echo.websocket.org", "localhost:*"] },
          subsonicapi: {},
          scheduler: {},
          artwork: {},
          cache: {},
          library: { filesystem: true },
          kvstore: { maxSize: "10KB" },
          users: {},
          taskqueue: { maxConcurrency: 10 },
          matcher: {},
        },
      },
    ],
    ["a config form", { ...seed, config: { schema: { type: "object", properties: { api_key: { type: "string" } } }, uiSchema: {} } }],
    ["an unknown permission with any value", { ...seed, permissions: { telepathy: 42 } }],
  ])("%s", (_name, manifest) => {
    const result = validateManifestV2(manifest);
    expect(result.ok).toBe(true);
    expect(result.ok && result.manifest).toEqual(manifest);
  });

  test("unknown fields (test-metadata-agent carries capabilities and http.allowedURLs) are warnings with pointers", () => {
    const result = validateManifestV2({
      ...seed,
      capabilities: ["MetadataAgent"],
      permissions: { http: { allowedURLs: { "*": ["GET"] } } },
    });
    expect(result.ok).toBe(true);
    expect(result.warnings.map((warning) => warning.path)).toEqual(["/capabilities", "/permissions/http/allowedURLs"]);
  });

  test("null is read as absent, with a warning: a null permission grants nothing", () => {
    const result = validateManifestV2({ ...seed, description: null, permissions: { http: null, kvstore: { maxSize: null } } });
    expect(result.ok && result.manifest).toEqual({ ...seed, permissions: { kvstore: {} } });
    expect(result.warnings.map((warning) => warning.path)).toEqual([
      "/description",
      "/permissions/http",
      "/permissions/kvstore/maxSize",
    ]);
  });

  test("a websocket permission without requiredHosts is a warning: every connection will be refused", () => {
    const result = validateManifestV2({ ...seed, permissions: { websocket: { reason: "live updates" } } });
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      {
        path: "/permissions/websocket",
        message: "permissions.websocket lists no requiredHosts, so every connection will be refused",
      },
    ]);
  });

  test("a website that is not an absolute URL is a warning", () => {
    const result = validateManifestV2({ ...seed, website: "example.com" });
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      { path: "/website", message: 'website is not an absolute URL (got "example.com"); it is shown as text, not as a link' },
    ]);
  });
});

describe("validateManifestV2 refuses", () => {
  test("missing or empty required fields, with every problem", () => {
    expect(problemsOf({ name: "", version: "1" })).toEqual([
      { path: "/author", message: 'the manifest is missing the required field "author"' },
      { path: "/name", message: "name must not be empty: it is the name shown for the plugin" },
    ]);
  });

  test("wrong types and a maxConcurrency below 1", () => {
    expect(
      problemsOf({ ...seed, permissions: { http: { requiredHosts: "*" }, taskqueue: { maxConcurrency: 0 }, library: true } }),
    ).toEqual([
      { path: "/permissions/http/requiredHosts", message: 'permissions.http.requiredHosts must be an array; got "*"' },
      {
        path: "/permissions/library",
        message: "permissions.library must be an object (write {} to grant the service); got true",
      },
      { path: "/permissions/taskqueue/maxConcurrency", message: "permissions.taskqueue.maxConcurrency must be at least 1; got 0" },
    ]);
  });

  test("subsonicapi without users, matcher without library", () => {
    expect(problemsOf({ ...seed, permissions: { subsonicapi: {}, matcher: {} } })).toEqual([
      {
        path: "/permissions/subsonicapi",
        message:
          "permissions.subsonicapi needs the users permission as well (it calls the Subsonic API as one of the " +
          'plugin\'s users): add "users": {} to permissions',
      },
      {
        path: "/permissions/matcher",
        message:
          'permissions.matcher needs the library permission as well (it matches songs in the plugin\'s libraries): add "library": {} to permissions',
      },
    ]);
  });

  test("a config.schema that is not a JSON Schema, and a config without schema", () => {
    const [problem] = problemsOf({ ...seed, config: { schema: { type: "objet" } } });
    expect(problem?.path).toBe("/config/schema");
    expect(problem?.message).toMatch(/^config\.schema is not a usable JSON Schema: config\.schema\/type must be equal to one of the allowed values;/);
    expect(problemsOf({ ...seed, config: { uiSchema: {} } })).toEqual([
      { path: "/config/schema", message: 'config is missing the required field "schema"' },
    ]);
  });

  test("a kvstore maxSize that is not a size", () => {
    expect(problemsOf({ ...seed, permissions: { kvstore: { maxSize: "lots" } } })).toEqual([
      {
        path: "/permissions/kvstore/maxSize",
        message: 'permissions.kvstore.maxSize must be a size such as "10KB" (10 000 bytes) or "1MiB" (1 048 576 bytes); got "lots"',
      },
    ]);
  });
});

describe("validateManifestV2Exports", () => {
  const manifest = (permissions: ManifestV2["permissions"]): ManifestV2 => ({ ...seed, permissions });

  test("a Scrobbler needs users; scheduler needs nd_scheduler_callback; taskqueue needs nd_task_execute", () => {
    expect(
      validateManifestV2Exports(manifest({ scheduler: {}, taskqueue: {} }), ["nd_scrobbler_scrobble", "nd_on_init"]),
    ).toEqual([
      {
        path: "/permissions",
        message:
          'the plugin is a Scrobbler (it exports nd_scrobbler_scrobble), which needs the users permission: add "users": {} to permissions',
      },
      {
        path: "/permissions/scheduler",
        message: "permissions.scheduler needs the module to export nd_scheduler_callback (schedules fire it); it does not",
      },
      {
        path: "/permissions/taskqueue",
        message: "permissions.taskqueue needs the module to export nd_task_execute (queued tasks run through it); it does not",
      },
    ]);
  });

  test("no problem when the exports and permissions agree; websocket needs no callback", () => {
    const exports = ["nd_scrobbler_is_authorized", "nd_scheduler_callback", "nd_task_execute"];
    expect(validateManifestV2Exports(manifest({ users: {}, scheduler: {}, taskqueue: {}, websocket: {} }), exports)).toEqual([]);
  });
});

describe("parseManifestV2", () => {
  test("parses text, with warnings", () => {
    const text = JSON.stringify({ ...seed, permissions: { kvstore: { maxSize: "1MiB", quota: 1 } } });
    expect(parseManifestV2(text)).toEqual({ ...seed, permissions: { kvstore: { maxSize: "1MiB", quota: 1 } } });
    expect(parseManifestV2WithWarnings(text).warnings.map((warning) => warning.path)).toEqual(["/permissions/kvstore/quota"]);
  });

  test("throws a ManifestError naming the source, listing every problem", () => {
    const parse = () => parseManifestV2(JSON.stringify({ name: "x", permissions: { matcher: {} } }), "plugins/x.ndp");
    expect(parse).toThrow(ManifestError);
    expect(parse).toThrow(/^plugins\/x\.ndp is not a valid plugin manifest:\n {2}- the manifest is missing the required field "author"/);
  });
});

test("the generation-2 schema is shipped and exported as ./schema-v2.json", async () => {
  const { default: packageJson } = await import("../package.json", { with: { type: "json" } });
  expect(packageJson.exports["./schema-v2.json"]).toBe("./schema/manifest-v2.schema.json");
  expect(manifestSchemaV2.required).toEqual(["name", "author", "version"]);
  expect(Object.isFrozen(manifestSchemaV2)).toBe(true);
});
