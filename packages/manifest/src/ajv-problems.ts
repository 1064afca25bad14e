import type { ErrorObject } from "ajv";
import { describeValue, quote } from "./describe-value.js";
import { childPointer, readableLocation } from "./location.js";
import type { ManifestProblem } from "./problem.js";

type Sentence = (error: ErrorObject, label: string) => string;

/**
 * Turns ajv's raw errors into problems an author can act on: one per place in the
 * manifest (the first failing rule there), in the order ajv found them.
 */
export function problemsFromAjvErrors(
  errors: readonly ErrorObject[],
  root: unknown,
  rootLabel = "the manifest",
): ManifestProblem[] {
  const byPath = new Map<string, ManifestProblem>();
  for (const error of errors) {
    if (error.keyword === "propertyNames") continue; // its inner errors name the key
    const path = problemPath(error);
    if (!byPath.has(path)) byPath.set(path, { path, message: sentenceFor(error, root, rootLabel) });
  }
  return [...byPath.values()];
}

function problemPath(error: ErrorObject): string {
  const child = namedChild(error);
  return child === undefined ? error.instancePath : childPointer(error.instancePath, child);
}

/** The key an error is about when ajv reports it on the enclosing object. */
function namedChild(error: ErrorObject): string | undefined {
  if (error.propertyName !== undefined) return error.propertyName;
  if (error.keyword === "required") return String(error.params.missingProperty);
  if (error.keyword === "additionalProperties") return String(error.params.additionalProperty);
  return undefined;
}

function sentenceFor(error: ErrorObject, root: unknown, rootLabel: string): string {
  const place = readableLocation(error.instancePath, root, rootLabel);
  const label = error.propertyName === undefined ? place : `${place} key ${quote(error.propertyName)}`;
  const custom = customMessage(error);
  if (custom !== undefined) return `${label} ${custom}${gotSuffix(error)}`;
  const sentence = SENTENCES[error.keyword] ?? fallbackSentence;
  return sentence(error, label);
}

/** The schema's own wording for this rule (`x-messages`), when it has one. */
function customMessage(error: ErrorObject): string | undefined {
  const messages: unknown = error.parentSchema?.["x-messages"];
  if (typeof messages !== "object" || messages === null) return undefined;
  const message: unknown = (messages as Record<string, unknown>)[error.keyword];
  return typeof message === "string" ? message : undefined;
}

function gotSuffix(error: ErrorObject): string {
  return error.keyword === "pattern" || error.keyword === "format" ? `; got ${describeValue(error.data)}` : "";
}

const TYPE_NOUNS: Record<string, string> = {
  object: "an object",
  array: "an array",
  string: "a string",
  boolean: "true or false",
  number: "a number",
  integer: "a whole number",
  null: "null",
};

const FORMAT_NOUNS: Record<string, string> = {
  uri: "an absolute URL, such as \"https://example.com\"",
};

const SENTENCES: Record<string, Sentence> = {
  required: (error, label) => `${label} is missing the required field ${quote(String(error.params.missingProperty))}`,
  additionalProperties: (error, label) => unknownFieldSentence(error, label),
  type: (error, label) => {
    const expected = String(error.params.type);
    const grant = error.instancePath.match(/^\/permissions\/[^/]+$/) ? " (write {} to grant the service)" : "";
    return `${label} must be ${TYPE_NOUNS[expected] ?? expected}${grant}; got ${describeValue(error.data)}`;
  },
  enum: (error, label) => enumSentence(error, label),
  pattern: (error, label) => `${label} must match the pattern ${String(error.params.pattern)}; got ${describeValue(error.data)}`,
  format: (error, label) => {
    const format = String(error.params.format);
    return `${label} must be ${FORMAT_NOUNS[format] ?? `a valid ${format}`}; got ${describeValue(error.data)}`;
  },
  minItems: (error, label) => `${label} must have at least ${String(error.params.limit)} item(s)`,
  maxItems: (error, label) => `${label} must have at most ${String(error.params.limit)} items; got ${lengthOf(error.data)}`,
  minProperties: (error, label) => `${label} must have at least ${String(error.params.limit)} entries`,
  maxProperties: (error, label) =>
    `${label} must have at most ${String(error.params.limit)} entries; got ${lengthOf(error.data)}`,
  minLength: (error, label) =>
    `${label} must be at least ${String(error.params.limit)} characters long; got ${lengthOf(error.data)} characters`,
  minimum: (error, label) => `${label} must be at least ${String(error.params.limit)}; got ${describeValue(error.data)}`,
  maximum: (error, label) => `${label} must be at most ${String(error.params.limit)}; got ${describeValue(error.data)}`,
  const: (error, label) => `${label} must be ${describeValue(error.params.allowedValue)}; got ${describeValue(error.data)}`,
  maxLength: (error, label) =>
    `${label} must be at most ${String(error.params.limit)} characters long; got ${lengthOf(error.data)} characters`,
  uniqueItems: (error, label) => {
    const [first, second] = [Number(error.params.j), Number(error.params.i)].sort((a, b) => a - b);
    const repeated = Array.isArray(error.data) ? describeValue(error.data[second ?? 0]) : "an item";
    return `${label} must not repeat ${repeated} (items ${String(first)} and ${String(second)} are the same)`;
  },
};

function fallbackSentence(error: ErrorObject, label: string): string {
  return `${label} ${error.message ?? "is not valid"}`;
}

function unknownFieldSentence(error: ErrorObject, label: string): string {
  const field = String(error.params.additionalProperty);
  const known = Object.keys((error.parentSchema?.properties ?? {}) as Record<string, unknown>);
  const twin = known.find((name) => name.toLowerCase() === field.toLowerCase());
  const hint = twin === undefined ? "" : ` (did you mean ${quote(twin)}? names are case-sensitive)`;
  return `${label} has an unknown field ${quote(field)}; allowed fields are ${known.join(", ")}${hint}`;
}

function enumSentence(error: ErrorObject, label: string): string {
  const allowed = (error.params.allowedValues as unknown[]).map(String);
  const got = error.data;
  const twin =
    typeof got === "string" ? allowed.find((value) => value.toLowerCase() === got.toLowerCase()) : undefined;
  const hint = twin === undefined ? "" : ` (names are case-sensitive: write ${quote(twin)})`;
  return `${label} must be one of ${allowed.join(", ")}; got ${describeValue(got)}${hint}`;
}

function lengthOf(data: unknown): number {
  if (typeof data === "string" || Array.isArray(data)) return data.length;
  return typeof data === "object" && data !== null ? Object.keys(data).length : 0;
}
