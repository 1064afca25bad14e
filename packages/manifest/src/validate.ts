import { problemsFromAjvErrors } from "./ajv-problems.js";
import type { ManifestProblem } from "./problem.js";
import { compiledManifestSchema } from "./schema.js";
import type { Manifest } from "./types.js";
import { unknownFieldWarnings } from "./unknown-fields.js";

/** `warnings` lists what is accepted but ignored (unknown fields), in either case. */
export type ValidationResult =
  | { ok: true; manifest: Manifest; warnings: ManifestProblem[] }
  | { ok: false; problems: ManifestProblem[]; warnings: ManifestProblem[] };

/**
 * Checks a parsed manifest against the schema. Returns every problem, not just the first;
 * on success `manifest` is the same value, typed.
 */
export function validateManifest(value: unknown): ValidationResult {
  const validate = compiledManifestSchema();
  const warnings = unknownFieldWarnings(value);
  if (validate(value)) return { ok: true, manifest: value as Manifest, warnings };
  return { ok: false, problems: problemsFromAjvErrors(validate.errors ?? [], value), warnings };
}
