import { problemsFromAjvErrors } from "./ajv-problems.js";
import { oddValueWarnings, readNullsAsAbsent } from "./navidrome-reading.js";
import type { ManifestProblem } from "./problem.js";
import { compiledManifestSchema } from "./schema.js";
import type { Manifest } from "./types.js";
import { unknownFieldWarnings } from "./unknown-fields.js";

/** `warnings` lists what is accepted but ignored or odd (unknown fields, nulls, empty text), in either case. */
export type ValidationResult =
  | { ok: true; manifest: Manifest; warnings: ManifestProblem[] }
  | { ok: false; problems: ManifestProblem[]; warnings: ManifestProblem[] };

/**
 * Checks a parsed manifest against the schema, with `null` read as absent where Navidrome's Go
 * loader reads it so. Returns every problem, not just the first; on success `manifest` is the
 * same value, typed (a copy without those nulls when it had any).
 */
export function validateManifest(value: unknown): ValidationResult {
  const validate = compiledManifestSchema();
  const read = readNullsAsAbsent(value);
  const warnings = [...read.warnings, ...unknownFieldWarnings(read.value), ...oddValueWarnings(read.value)];
  if (validate(read.value)) return { ok: true, manifest: read.value as Manifest, warnings };
  return { ok: false, problems: problemsFromAjvErrors(validate.errors ?? [], read.value), warnings };
}
