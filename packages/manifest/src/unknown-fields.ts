import { quote } from "./describe-value.js";
import { childPointer, readableLocation } from "./location.js";
import type { ManifestProblem } from "./problem.js";
import { manifestSchema } from "./schema.js";

type SchemaObject = { properties?: Record<string, unknown>; $ref?: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function knownFieldsOf(schema: SchemaObject, definitions: Record<string, SchemaObject>): string[] {
  const resolved = schema.$ref ? definitions[schema.$ref.replace("#/definitions/", "")] : schema;
  return Object.keys(resolved?.properties ?? {});
}

function unknownFieldWarning(root: unknown, parent: string, field: string, known: string[]): ManifestProblem {
  const twin = known.find((name) => name.toLowerCase() === field.toLowerCase());
  const hint = twin === undefined ? "" : ` (did you mean ${quote(twin)}? names are case-sensitive)`;
  return {
    path: childPointer(parent, field),
    message: `${readableLocation(parent, root)} has an unknown field ${quote(field)}, which is ignored${hint}`,
  };
}

/**
 * Fields this version does not know, at the top level and inside the known permissions: they are
 * accepted (as Navidrome accepts them) and reported, so a misspelling does not go unnoticed.
 * `schema` is the manifest schema of the plugin's generation.
 */
export function unknownFieldWarnings(
  value: unknown,
  schema: Readonly<Record<string, unknown>> = manifestSchema,
): ManifestProblem[] {
  if (!isObject(value)) return [];
  const definitions = schema.definitions as Record<string, SchemaObject>;
  const topLevel = schema.properties as Record<string, unknown>;
  const permissionSchemas = (topLevel.permissions as SchemaObject).properties as Record<string, SchemaObject>;
  const known = Object.keys(topLevel);
  const warnings = Object.keys(value)
    .filter((field) => !known.includes(field))
    .map((field) => unknownFieldWarning(value, "", field, known));
  const permissions = value.permissions;
  if (!isObject(permissions)) return warnings;
  for (const [name, permissionSchema] of Object.entries(permissionSchemas)) {
    const permission = permissions[name];
    if (!isObject(permission)) continue;
    const fields = knownFieldsOf(permissionSchema, definitions);
    for (const field of Object.keys(permission).filter((candidate) => !fields.includes(candidate))) {
      warnings.push(unknownFieldWarning(value, childPointer("/permissions", name), field, fields));
    }
  }
  return warnings;
}
