// What a terminal could act on rather than show: C0 controls but tab and line feed (ESC starts
// colour, title and screen sequences; CR and BS overwrite what was printed), DEL, the C1
// controls (U+009B is a one-character CSI), and the bidirectional overrides and isolates that
// reorder what is shown. A character class: one pass over the text, no backtracking.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// In JSON text C0 controls are escaped already; these are the others, only ever inside strings.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const hex = (character: string, digits: number): string => character.charCodeAt(0).toString(16).padStart(digits, "0");
const escaped = (character: string): string =>
  character.charCodeAt(0) <= 0xff ? `\\x${hex(character, 2)}` : `\\u${hex(character, 4)}`;

/**
 * Text that came from a plugin (manifest strings, errors, log lines), made safe to print on a
 * terminal: each control character is shown as an escape (`\x1b`, `\u202e`) instead of acting.
 * Tabs and line feeds are kept. Every line nd prints goes through this (see io.ts).
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** JSON text with the control characters JSON.stringify leaves raw escaped too; still the same JSON value. */
export function terminalSafeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (character) => `\\u${hex(character, 4)}`);
}

const MAX_FIELD_DEPTH = 8;

/**
 * A log line's fields with every string made terminal-safe, following plain objects and arrays;
 * one nested deeper than MAX_FIELD_DEPTH is replaced by a note rather than printed unchecked.
 */
export function terminalSafeFields(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return terminalSafe(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_FIELD_DEPTH) return `[nested deeper than ${MAX_FIELD_DEPTH} levels]`;
  if (Array.isArray(value)) return value.map((item) => terminalSafeFields(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [terminalSafe(key), terminalSafeFields(item, depth + 1)]));
}
