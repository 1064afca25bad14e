import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManifestError, parseManifest, validateManifest } from "@nd/manifest";
import { PROPERTY_TIMEOUT_MS, runs } from "./support/runs.js";
import { validManifest } from "./support/valid-manifest.js";

function expectWellFormedResult(value: unknown): void {
  const result = validateManifest(value);
  if (result.ok) {
    // Nulls read as absent (as Navidrome's Go reads them), so the manifest may be a normalised copy.
    expect(typeof result.manifest.name).toBe("string");
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(typeof problem.path).toBe("string");
    expect(problem.path === "" || problem.path.startsWith("/")).toBe(true);
    expect(typeof problem.message).toBe("string");
    expect(problem.message.length).toBeGreaterThan(0);
  }
}

/** Replaces, removes or adds one field somewhere in a valid manifest. */
const mutatedManifest = fc
  .tuple(
    fc.constantFrom(
      [],
      ["permissions"],
      ["permissions", "http"],
      ["permissions", "http", "allowedUrls"],
      ["permissions", "websocket"],
      ["capabilities"],
    ),
    fc.oneof(
      fc.constantFrom("name", "author", "version", "description", "website", "capabilities", "permissions", "$schema"),
      fc.constantFrom("http", "cache", "allowedUrls", "allowLocalNetwork", "reason", "0", "1"),
      fc.string({ maxLength: 12 }),
    ),
    fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
  )
  .map(([path, key, value]) => {
    const manifest = validManifest();
    let target: Record<string, unknown> = manifest;
    for (const step of path) target = target[step] as Record<string, unknown>;
    // An array's length cannot be deleted or set to any value: that mutation is not JSON anyway.
    if (Array.isArray(target) && key === "length") return manifest;
    if (value === undefined) delete target[key];
    else target[key] = value;
    return manifest;
  });

describe("validateManifest", () => {
  it("accepts the starting manifest", () => {
    expect(validateManifest(validManifest()).ok).toBe(true);
  });

  it("never throws on arbitrary values; problems carry a JSON pointer and a message", () => {
    fc.assert(fc.property(fc.anything({ maxDepth: 4 }), (value) => expectWellFormedResult(value)), {
      numRuns: runs(1_000),
    });
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => expectWellFormedResult(value)), {
      numRuns: runs(1_000),
    });
  }, PROPERTY_TIMEOUT_MS);

  it("never throws on mutated valid manifests", () => {
    fc.assert(fc.property(mutatedManifest, (value) => expectWellFormedResult(value)), { numRuns: runs(2_000) });
  }, PROPERTY_TIMEOUT_MS);
});

describe("parseManifest", () => {
  function parseOrTypedError(text: string): void {
    try {
      parseManifest(text);
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError);
      expect((error as ManifestError).message).toContain("manifest.json");
    }
  }

  it("throws only ManifestError on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: "binary" }), parseOrTypedError), { numRuns: runs(1_000) });
  }, PROPERTY_TIMEOUT_MS);

  it("throws only ManifestError on JSON text of arbitrary values and of mutated manifests", () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => parseOrTypedError(JSON.stringify(value))), {
      numRuns: runs(1_000),
    });
    fc.assert(fc.property(mutatedManifest, (value) => parseOrTypedError(JSON.stringify(value))), {
      numRuns: runs(1_000),
    });
  }, PROPERTY_TIMEOUT_MS);

  it("throws only ManifestError on valid manifest text with one character changed", () => {
    const text = JSON.stringify(validManifest(), null, 2);
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.string({ maxLength: 3, unit: "binary" }), (at, replacement) => {
        parseOrTypedError(text.slice(0, at) + replacement + text.slice(at + 1));
      }),
      { numRuns: runs(1_000) },
    );
  }, PROPERTY_TIMEOUT_MS);

  it("throws TypeError for a value that is not text", () => {
    fc.assert(
      fc.property(fc.anything().filter((value) => typeof value !== "string"), (value) => {
        expect(() => parseManifest(value as string)).toThrow(TypeError);
      }),
      { numRuns: runs(200) },
    );
  }, PROPERTY_TIMEOUT_MS);
});
