import { Ajv, type ValidateFunction } from "ajv";
import schemaDocument from "../schema/manifest.schema.json" with { type: "json" };

/** The manifest JSON Schema (draft-07), as shipped in `@nd/manifest/schema.json`. */
export const manifestSchema: Readonly<Record<string, unknown>> = deepFreeze(schemaDocument);

let compiled: ValidateFunction | undefined;

/** The schema compiled once, on first use. */
export function compiledManifestSchema(): ValidateFunction {
  compiled ??= createAjv().compile(manifestSchema);
  return compiled;
}

function createAjv(): Ajv {
  // verbose: errors carry the offending data and their schema, which the messages quote.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
  ajv.addKeyword({ keyword: "x-messages", schemaType: "object" });
  ajv.addFormat("uri", { type: "string", validate: isAbsoluteUrl });
  return ajv;
}

function isAbsoluteUrl(text: string): boolean {
  return URL.canParse(text);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
