import fc from "fast-check";
import { expect, test } from "vitest";
import { ManifestError, parseManifestV2, validateManifestV2 } from "../src/index.js";

const valid = {
  name: "Test Plugin",
  author: "Navidrome",
  version: "1.0.0",
  config: { schema: { type: "object", properties: { api_key: { type: "string" } } } },
  permissions: {
    http: { requiredHosts: ["*.example.com"] },
    users: {},
    subsonicapi: {},
    library: { filesystem: true },
    matcher: {},
    kvstore: { maxSize: "10KB" },
    taskqueue: { maxConcurrency: 2 },
  },
};

const PLACES: readonly (readonly string[])[] = [[], ["permissions"], ["permissions", "http"], ["permissions", "kvstore"], ["config"]];

/** `valid` with one field replaced, removed or added somewhere. */
const mutated = fc
  .tuple(
    fc.constantFrom(...PLACES),
    fc.oneof(
      fc.constantFrom("name", "author", "version", "config", "permissions", "schema", "users", "library", "maxSize"),
      fc.string({ maxLength: 10 }),
    ),
    fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
  )
  .map(([place, key, value]) => {
    const copy = structuredClone(valid) as Record<string, unknown>;
    let target = copy;
    for (const segment of place) target = target[segment] as Record<string, unknown>;
    if (value === undefined) delete target[key];
    else target[key] = value;
    return copy;
  });

function expectPointer(path: string): void {
  expect(path === "" || path.startsWith("/")).toBe(true);
}

test("validateManifestV2 never throws, and answers well-formed problems and warnings", () => {
  fc.assert(
    fc.property(mutated, (manifest) => {
      const result = validateManifestV2(manifest);
      for (const warning of result.warnings) expectPointer(warning.path);
      if (result.ok) {
        expect(typeof result.manifest.name).toBe("string");
        return;
      }
      expect(result.problems.length).toBeGreaterThan(0);
      for (const problem of result.problems) {
        expectPointer(problem.path);
        expect(problem.message.length).toBeGreaterThan(0);
      }
    }),
    { numRuns: 300 },
  );
});

test("parseManifestV2 answers a manifest or throws a ManifestError, whatever the text", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 40 }), mutated.map((value) => JSON.stringify(value))), (text) => {
      try {
        expect(typeof parseManifestV2(text).name).toBe("string");
      } catch (error) {
        expect(error).toBeInstanceOf(ManifestError);
      }
    }),
    { numRuns: 300 },
  );
});
