// proto/gen2/*.schema.json against the ABI tables, the generators against the committed
// output, and the loader's refusals.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { generateGen2 } from "../scripts/gen2/index.mjs";
import { loadGen2Schemas } from "../scripts/gen2/schemas.mjs";
import { gen2 } from "../src/index.js";
import { packageDir } from "./support/compile-gen2.js";

const protoDir = join(packageDir, "..", "..", "proto");
const model = loadGen2Schemas(join(protoDir, "gen2"));
const scratch: string[] = [];

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temporary(): string {
  const dir = mkdtempSync(join(tmpdir(), "nd-gen2-schemas-"));
  scratch.push(dir);
  return dir;
}

function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  return files;
}

describe("schemas and ABI tables", () => {
  test("each capability's exports are exactly those of its schema", () => {
    const fromSchemas = Object.fromEntries(model.capabilities.map((c) => [c.name, c.exports.map((e) => e.wasmName).sort()]));
    const fromTables = Object.fromEntries(
      gen2.CAPABILITY_NAMES.map((name) => [name, Object.values(gen2.CAPABILITIES[name]).sort()]),
    );
    expect(fromSchemas).toEqual(fromTables);
  });

  test("each host service's functions are exactly those of its schema", () => {
    const fromSchemas = Object.fromEntries(model.services.map((s) => [s.name, s.functions.map((f) => f.wasmName).sort()]));
    const fromTables = Object.fromEntries(
      Object.entries(gen2.HOST_SERVICES).map(([name, service]) => [name, [...service.functions].sort()]),
    );
    expect(fromSchemas).toEqual(fromTables);
  });

  test("the TypeScript shapes describe the JSON as it travels", () => {
    const request = {
      track: {
        id: "1", title: "t", album: "a", artist: "b", albumArtist: "b", artists: [], albumArtists: [],
        duration: 1.5, trackNumber: 1, discNumber: 1,
      },
    } satisfies gen2.LyricsRequest;
    const answer: gen2.ExportShapes["nd_lyrics_get_lyrics"]["response"] = { lyrics: [{ text: "la" }] };
    const failure: gen2.HostFunctionShapes["kvstore_get"]["response"] = { value: "aGk=", exists: true };
    expect([request.track.title, answer.lyrics[0]?.text, failure.value]).toEqual(["t", "la", "aGk="]);
  });
});

describe("code generation", () => {
  test("regenerating gives the committed files, byte for byte", () => {
    const out = temporary();
    generateGen2(out, protoDir);
    expect(filesUnder(join(out, "src", "gen2", "gen"))).toEqual(filesUnder(join(packageDir, "src", "gen2", "gen")));
    expect(filesUnder(join(out, "assembly", "gen2", "gen"))).toEqual(filesUnder(join(packageDir, "assembly", "gen2", "gen")));
  });

  function schemaDir(defs: Record<string, unknown>): string {
    const dir = temporary();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "a.schema.json"), JSON.stringify({ $id: "a.schema.json", $defs: defs }));
    return dir;
  }

  test("a number without its width, a dangling $ref or an inline object is refused", () => {
    const object = (properties: unknown) => ({ A: { type: "object", properties } });
    expect(() => loadGen2Schemas(schemaDir(object({ n: { type: "integer" } })))).toThrow(/A\.n: integer needs a format/);
    expect(() => loadGen2Schemas(schemaDir(object({ r: { $ref: "#/$defs/B" } })))).toThrow(/no a\.schema\.json#\/\$defs\/B/);
    expect(() => loadGen2Schemas(schemaDir(object({ o: { type: "object", properties: {} } })))).toThrow(/name other objects in \$defs/);
  });

  test("a name defined twice is refused", () => {
    const dir = schemaDir({ A: { type: "string" } });
    writeFileSync(join(dir, "b.schema.json"), JSON.stringify({ $id: "b.schema.json", $defs: { A: { type: "boolean" } } }));
    expect(() => loadGen2Schemas(dir)).toThrow(/A is also defined in a\.schema\.json/);
  });
});
