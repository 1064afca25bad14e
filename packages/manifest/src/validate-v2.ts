import { problemsFromAjvErrors } from "./ajv-problems.js";
import { crossFieldProblemsV2 } from "./cross-field-v2.js";
import { oddValueWarningsV2, readNullsAsAbsentV2 } from "./navidrome-reading-v2.js";
import { parseManifestText } from "./parse.js";
import type { ManifestProblem } from "./problem.js";
import { compiledManifestSchemaV2, manifestSchemaV2 } from "./schema-v2.js";
import type { ManifestV2 } from "./types-v2.js";
import { unknownFieldWarnings } from "./unknown-fields.js";

/** As generation 1's ValidationResult, for a generation-2 manifest. */
export type ValidationResultV2 =
  | { ok: true; manifest: ManifestV2; warnings: ManifestProblem[] }
  | { ok: false; problems: ManifestProblem[]; warnings: ManifestProblem[] };

/**
 * Checks a parsed generation-2 manifest: the schema, then the rules across fields that Navidrome
 * checks when it reads one (see crossFieldProblemsV2). Unknown fields are warnings. The rules
 * that need the module's exports are validateManifestV2Exports.
 */
export function validateManifestV2(value: unknown): ValidationResultV2 {
  const validate = compiledManifestSchemaV2();
  const read = readNullsAsAbsentV2(value);
  const warnings = [
    ...read.warnings,
    ...unknownFieldWarnings(read.value, manifestSchemaV2),
    ...oddValueWarningsV2(read.value),
  ];
  if (!validate(read.value)) {
    return { ok: false, problems: problemsFromAjvErrors(validate.errors ?? [], read.value), warnings };
  }
  const manifest = read.value as ManifestV2;
  const problems = crossFieldProblemsV2(manifest);
  return problems.length === 0 ? { ok: true, manifest, warnings } : { ok: false, problems, warnings };
}

/**
 * Parses the text of a generation-2 manifest.json and validates it; throws a ManifestError
 * naming `source` as parseManifest does. At most MAX_MANIFEST_LENGTH characters.
 */
export function parseManifestV2(text: string, source = "manifest.json"): ManifestV2 {
  return parseManifestV2WithWarnings(text, source).manifest;
}

/** As parseManifestV2, also answering the warnings. */
export function parseManifestV2WithWarnings(
  text: string,
  source = "manifest.json",
): { manifest: ManifestV2; warnings: ManifestProblem[] } {
  return parseManifestText(text, source, validateManifestV2);
}
