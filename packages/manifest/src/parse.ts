import { hiddenJsonFindings } from "./duplicate-keys.js";
import { ManifestError } from "./errors.js";
import { locateSyntaxError } from "./json-syntax.js";
import type { ManifestProblem } from "./problem.js";
import type { Manifest } from "./types.js";
import { validateManifest } from "./validate.js";

/** Longest manifest text accepted, in characters. Real manifests are well under 4 KiB. */
export const MAX_MANIFEST_LENGTH = 64 * 1024;

const BYTE_ORDER_MARK = "\uFEFF";

/**
 * Parses the text of a manifest.json and validates it.
 * Throws a ManifestError naming `source` for bad JSON (with line and column), nesting too deep,
 * or content that breaks the schema (every problem listed). A key written twice is a warning
 * (the last one is used).
 */
export function parseManifest(text: string, source = "manifest.json"): Manifest {
  return parseManifestWithWarnings(text, source).manifest;
}

/** As parseManifest, also answering the warnings (what is accepted but ignored or odd). */
export function parseManifestWithWarnings(
  text: string,
  source = "manifest.json",
): { manifest: Manifest; warnings: ManifestProblem[] } {
  return parseManifestText(text, source, validateManifest);
}

type Validation<T> =
  | { ok: true; manifest: T; warnings: ManifestProblem[] }
  | { ok: false; problems: ManifestProblem[]; warnings: ManifestProblem[] };

/** Parses a manifest's text and validates it with `validate` (the rules of one generation). */
export function parseManifestText<T>(
  text: string,
  source: string,
  validate: (value: unknown) => Validation<T>,
): { manifest: T; warnings: ManifestProblem[] } {
  if (typeof text !== "string") throw new TypeError(`parseManifest expects the manifest's text as a string; got ${typeof text}`);
  if (text.length > MAX_MANIFEST_LENGTH) {
    const message = `the manifest is ${text.length} characters long; the limit is ${MAX_MANIFEST_LENGTH}`;
    throw new ManifestError(`${source}: ${message}`, [{ path: "", message }]);
  }
  const json = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  const value = parseJson(json, source);
  const hidden = hiddenJsonFindings(json, value);
  const result = validate(value);
  const problems = [...hidden.problems, ...(result.ok ? [] : result.problems)];
  if (!result.ok || problems.length > 0) throw invalidManifest(source, problems);
  return { manifest: result.manifest, warnings: [...hidden.warnings, ...result.warnings] };
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const located = locateSyntaxError(text);
    const message = located
      ? `invalid JSON at line ${located.line}, column ${located.column}: ${located.reason}`
      : `invalid JSON: ${(error as Error).message}`;
    throw new ManifestError(`${source}: ${message}`, [{ path: "", message }]);
  }
}

function invalidManifest(source: string, problems: ManifestProblem[]): ManifestError {
  const list = problems.map((problem) => `\n  - ${problem.message}`).join("");
  return new ManifestError(`${source} is not a valid plugin manifest:${list}`, problems);
}
