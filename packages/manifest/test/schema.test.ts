import { Ajv } from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { manifestSchema } from "../src/index.js";

const packageDir = join(import.meta.dirname, "..");
const schemaFile = JSON.parse(readFileSync(join(packageDir, "schema", "manifest.schema.json"), "utf8"));
const packageJson = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));

test("manifestSchema is the shipped schema file, frozen", () => {
  expect(manifestSchema).toEqual(schemaFile);
  expect(Object.isFrozen(manifestSchema)).toBe(true);
  expect(() => {
    (manifestSchema as Record<string, unknown>).additionalProperties = true;
  }).toThrow(TypeError);
});

test("the schema file is valid draft-07", () => {
  const ajv = new Ajv({ strict: false });
  expect(ajv.validateSchema(schemaFile)).toBe(true);
  expect(schemaFile.$schema).toBe("http://json-schema.org/draft-07/schema#");
});

test("another validator can use the file with the uri format and x-messages keyword", () => {
  const ajv = new Ajv({ strict: true });
  ajv.addKeyword("x-messages");
  ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:\S+$/i);
  const validate = ajv.compile(schemaFile);
  const seed = {
    name: "my-plugin",
    author: "Plugin Developer",
    version: "1.0.0",
    description: "Fetches artist biographies",
    capabilities: ["MetadataAgent"],
    permissions: { http: {} },
  };
  expect(validate(seed)).toBe(true);
  expect(validate({ ...seed, capabilities: ["metadataAgent"] })).toBe(false);
});

test("the package ships the schema and exports it as ./schema.json", () => {
  expect(packageJson.files).toContain("schema");
  expect(packageJson.exports["./schema.json"]).toBe("./schema/manifest.schema.json");
});
