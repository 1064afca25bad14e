import { printParseErrorCode, visit, type ParseErrorCode } from "jsonc-parser";
import { quote } from "./describe-value.js";

/** Strict JSON for jsonc-parser: no comments, no trailing commas. */
export const STRICT_JSON = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

export interface JsonSyntaxError {
  line: number;
  column: number;
  reason: string;
}

const REASONS: Record<string, string> = {
  InvalidSymbol: "unexpected text (strings need double quotes; the only literals are true, false and null)",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ',' or the end of the object or array",
  CloseBraceExpected: "expected '}' to close the object",
  CloseBracketExpected: "expected ']' to close the array",
  EndOfFileExpected: "unexpected text after the end of the JSON value",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "comments are not allowed in JSON",
  UnexpectedEndOfString: "the string is not closed (write \\n for a line break inside a string)",
  UnexpectedEndOfNumber: "the number is cut short",
  InvalidUnicode: "invalid \\u escape in a string",
  InvalidEscapeCharacter: "invalid escape sequence in a string",
  InvalidCharacter: "invalid character in a string (control characters must be escaped)",
};

/** Where, and why, `text` is not JSON: the first error, with 1-based line and column. */
export function locateSyntaxError(text: string): JsonSyntaxError | undefined {
  let first: { code: ParseErrorCode; offset: number; length: number } | undefined;
  visit(text, { onError: (code, offset, length) => void (first ??= { code, offset, length }) }, STRICT_JSON);
  if (first === undefined) return undefined;
  const name = printParseErrorCode(first.code);
  // An unclosed string is reported from its opening quote; the break that ends it is what to fix.
  const offset = name === "UnexpectedEndOfString" ? first.offset + first.length : first.offset;
  return { ...lineAndColumn(text, offset), reason: reasonFor(name, text, first.offset, first.length) };
}

function reasonFor(name: string, text: string, offset: number, length: number): string {
  const reason = REASONS[name] ?? name;
  if (name === "UnexpectedEndOfString") return reason;
  return `${reason}, found ${found(text, offset, length)}${trailingCommaHint(text, offset)}`;
}

function found(text: string, offset: number, length: number): string {
  if (offset >= text.length) return "the end of the text";
  return quote(text.slice(offset, offset + Math.max(length, 1)));
}

function trailingCommaHint(text: string, offset: number): string {
  const closing = text[offset] === "}" || text[offset] === "]";
  return closing && text.slice(0, offset).trimEnd().endsWith(",") ? " (trailing commas are not allowed)" : "";
}

/** 1-based line and column (in UTF-16 units) of an offset; \n, \r\n and \r end lines. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const lines = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
