import { problemsFromAjvErrors } from "./ajv-problems.js";
import type { ManifestProblem } from "./problem.js";
import { compiledManifestSchema } from "./schema.js";
import type { Manifest } from "./types.js";

export type ValidationResult = { ok: true; manifest: Manifest } | { ok: false; problems: ManifestProblem[] };

/**
 * Checks a parsed manifest against the schema. Returns every problem, not just the first;
 * on success `manifest` is the same value, typed.
 */
export function validateManifest(value: unknown): ValidationResult {
  const validate = compiledManifestSchema();
  if (validate(value)) return { ok: true, manifest: value as Manifest };
  return { ok: false, problems: problemsFromAjvErrors(validate.errors ?? [], value) };
}
