import type { ValidateFunction } from "ajv";
import schemaDocument from "../schema/manifest-v2.schema.json" with { type: "json" };
import { validate } from "./gen/manifest-v2-validator.js";
import { deepFreeze } from "./schema.js";

/** The generation-2 manifest JSON Schema (draft-07), as shipped in `@nd/manifest/schema-v2.json`. */
export const manifestSchemaV2: Readonly<Record<string, unknown>> = deepFreeze(schemaDocument);

/** The generation-2 schema's validator, compiled at build time like generation 1's. */
export function compiledManifestSchemaV2(): ValidateFunction {
  return validate;
}
