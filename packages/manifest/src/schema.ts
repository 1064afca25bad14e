import type { ValidateFunction } from "ajv";
import schemaDocument from "../schema/manifest.schema.json" with { type: "json" };
import { validate } from "./gen/manifest-validator.js";

/** The manifest JSON Schema (draft-07), as shipped in `@nd/manifest/schema.json`. */
export const manifestSchema: Readonly<Record<string, unknown>> = deepFreeze(schemaDocument);

/**
 * The schema's validator, compiled at build time (`pnpm codegen` runs
 * scripts/compile-schema.mjs): nothing is compiled when a host starts.
 */
export function compiledManifestSchema(): ValidateFunction {
  return validate;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
