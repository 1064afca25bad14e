import { watPlugin } from "@nd/testing";
import { describe, expect, test } from "vitest";
import { moduleGeneration, NdpError, readAnyNdp, readNdp, writeNdp } from "../src/index.js";
import { MANIFEST } from "./fixtures.js";

const EXTISM_IMPORT = `(import "extism:host/env" "input_length" (func $input_length (result i64)))`;
const GENERATION_1 = watPlugin("");
const EXTISM_IMPORTER = watPlugin("", { imports: EXTISM_IMPORT, prefixes: [] });
const ND_EXPORTER = watPlugin(`(func (export "nd_on_init") (result i32) (i32.const 0))`, { prefixes: [] });
const MANIFEST_V2 = {
  name: "Generation two",
  author: "Tests",
  version: "1.0.0",
  permissions: { http: { requiredHosts: ["example.org"] }, taskqueue: { maxConcurrency: 2 } },
  config: { schema: { type: "object" } },
};

describe("moduleGeneration", () => {
  test("reads generation 2 from an extism:host import or an nd_* export, else 1", () => {
    expect(moduleGeneration(GENERATION_1)).toBe(1);
    expect(moduleGeneration(EXTISM_IMPORTER)).toBe(2);
    expect(moduleGeneration(ND_EXPORTER)).toBe(2);
  });
});

describe("generation-2 packages", () => {
  test("pack and read back with the manifest of generation 2", async () => {
    const bytes = await writeNdp({ manifest: MANIFEST_V2, wasm: ND_EXPORTER });

    const ndp = await readAnyNdp(bytes);

    expect(ndp.generation).toBe(2);
    expect(ndp.manifest).toEqual(MANIFEST_V2);
    expect(ndp.files.map((file) => file.name)).toEqual(["manifest.json", "plugin.wasm"]);
  });

  test("readNdp (generation 1 only) refuses them with kind wrong-generation", async () => {
    const bytes = await writeNdp({ manifest: MANIFEST_V2, wasm: EXTISM_IMPORTER });

    await expect(readNdp(bytes)).rejects.toMatchObject({ name: "NdpError", kind: "wrong-generation" });
  });

  test("readAnyNdp reads generation-1 packages as before", async () => {
    const ndp = await readAnyNdp(await writeNdp({ manifest: MANIFEST, wasm: GENERATION_1 }));

    expect(ndp.generation).toBe(1);
    expect(ndp.manifest.name).toBe(MANIFEST.name);
  });

  test.each([
    { title: "no author", manifest: { name: "x", version: "1" }, path: "/author" },
    { title: "a permission that is not an object", manifest: { ...MANIFEST_V2, permissions: { cache: true } }, path: "/permissions/cache" },
    { title: "requiredHosts that are not strings", manifest: { ...MANIFEST_V2, permissions: { http: { requiredHosts: [1] } } }, path: "/permissions/http/requiredHosts/0" },
    { title: "a config without schema", manifest: { ...MANIFEST_V2, config: {} }, path: "/config/schema" },
    { title: "maxConcurrency 0", manifest: { ...MANIFEST_V2, permissions: { taskqueue: { maxConcurrency: 0 } } }, path: "/permissions/taskqueue/maxConcurrency" },
  ])("refuses a manifest with $title by @nd/manifest's generation-2 rules, naming the place", async ({ manifest, path }) => {
    const error = await writeNdp({ manifest: JSON.stringify(manifest), wasm: ND_EXPORTER }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NdpError);
    expect(error).toMatchObject({ kind: "invalid-manifest", entry: "manifest.json" });
    expect((error as NdpError).cause).toMatchObject({ name: "ManifestError", problems: [expect.objectContaining({ path })] });
  });

  test("accepts what Navidrome ignores: unknown keys, capabilities, allowedURLs", async () => {
    const manifest = { ...MANIFEST_V2, capabilities: ["MetadataAgent"], permissions: { http: { allowedURLs: ["*"] } } };

    const ndp = await readAnyNdp(await writeNdp({ manifest: JSON.stringify(manifest), wasm: ND_EXPORTER }));

    expect(ndp.generation).toBe(2);
  });
});
