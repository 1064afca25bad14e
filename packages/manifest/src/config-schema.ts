import { createRequire } from "node:module";
import type { Ajv, ValidateFunction } from "ajv";

type AjvClass = new (options: Record<string, unknown>) => Ajv;

/** JSON Schema dialects a config schema may name in `$schema` → the ajv module that checks it. */
const DIALECTS: Readonly<Record<string, string>> = {
  "https://json-schema.org/draft/2020-12/schema": "ajv/dist/2020",
  "https://json-schema.org/draft/2019-09/schema": "ajv/dist/2019",
  "http://json-schema.org/draft-07/schema": "ajv",
  "http://json-schema.org/draft-06/schema": "ajv",
};
/** Navidrome's JSON Schema library reads a schema without `$schema` as 2020-12. */
const DEFAULT_DIALECT = "https://json-schema.org/draft/2020-12/schema";
const DRAFT_06 = "http://json-schema.org/draft-06/schema";

export type CompiledConfigSchema = { ok: true; validate: ValidateFunction } | { ok: false; message: string };

const compiled = new WeakMap<object, CompiledConfigSchema>();

/**
 * Compiles a plugin's config schema, once per schema object. ajv is loaded here, on first use,
 * so a host whose plugins have no config schema never loads it. Formats are annotations only,
 * as in Navidrome; unknown keywords are ignored.
 */
export function compileConfigSchema(schema: Record<string, unknown>): CompiledConfigSchema {
  const known = compiled.get(schema);
  if (known) return known;
  const result = compileOnce(schema);
  compiled.set(schema, result);
  return result;
}

function compileOnce(schema: Record<string, unknown>): CompiledConfigSchema {
  const dialect = typeof schema.$schema === "string" ? schema.$schema.replace(/#$/, "") : DEFAULT_DIALECT;
  const module = DIALECTS[dialect];
  if (module === undefined) {
    const supported = Object.keys(DIALECTS).join(", ");
    return { ok: false, message: `its $schema ${JSON.stringify(dialect)} is not one nd checks (${supported})` };
  }
  const ajv = schema.$id === undefined ? sharedAjv(module, dialect) : newAjv(module, dialect);
  if (!ajv.validateSchema(schema)) {
    return { ok: false, message: ajv.errorsText(ajv.errors, { dataVar: "config.schema", separator: "; " }) };
  }
  try {
    const validate = ajv.compile(schema);
    if (schema.$id !== undefined) return { ok: true, validate };
    // The validator is kept here (per schema object); the shared ajv need not keep it too.
    ajv.removeSchema(schema);
    return { ok: true, validate };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

const shared = new Map<string, Ajv>();

/** One ajv per dialect for schemas without `$id` (most): its meta-schema is compiled once. */
function sharedAjv(module: string, dialect: string): Ajv {
  let ajv = shared.get(dialect);
  if (ajv === undefined) {
    ajv = newAjv(module, dialect);
    shared.set(dialect, ajv);
  }
  return ajv;
}

/** A fresh ajv for a schema with an `$id`, so two plugins' schemas with the same `$id` never collide. */
function newAjv(module: string, dialect: string): Ajv {
  const load = createRequire(import.meta.url);
  const AjvOfDialect = (load(module) as { default: AjvClass }).default;
  const ajv = new AjvOfDialect({ allErrors: true, verbose: true, strict: false, validateFormats: false });
  if (dialect === DRAFT_06) ajv.addMetaSchema(load("ajv/dist/refs/json-schema-draft-06.json") as object);
  return ajv;
}
