import { visit, type JSONPath } from "jsonc-parser";
import { quote } from "./describe-value.js";
import { STRICT_JSON, lineAndColumn } from "./json-syntax.js";
import { childPointer, readableLocation } from "./location.js";
import type { ManifestProblem } from "./problem.js";

/** Deeper nesting than any manifest needs; also keeps the recursive scan off the stack limit. */
export const MAX_NESTING_DEPTH = 32;

/**
 * Problems that JSON.parse hides: a key written twice in one object (JSON readers disagree on
 * which one wins) and nesting deeper than MAX_NESTING_DEPTH. `value` is the parsed `text`.
 */
export function hiddenJsonProblems(text: string, value: unknown): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const keysOfOpenObjects: (Set<string> | undefined)[] = [];
  let tooDeep = false;
  const open = (keys: Set<string> | undefined) => {
    keysOfOpenObjects.push(keys);
    tooDeep ||= keysOfOpenObjects.length > MAX_NESTING_DEPTH;
  };
  const close = () => void keysOfOpenObjects.pop();
  const onProperty = (key: string, offset: number, _length: number, _line: number, _column: number, at: () => JSONPath) => {
    const keys = keysOfOpenObjects.at(-1);
    if (keys?.has(key)) problems.push(duplicateKeyProblem(text, value, at(), key, offset));
    keys?.add(key);
  };
  try {
    visit(
      text,
      {
        onObjectBegin: () => open(new Set()),
        onObjectEnd: close,
        onArrayBegin: () => open(undefined),
        onArrayEnd: close,
        onObjectProperty: onProperty,
      },
      STRICT_JSON,
    );
  } catch (error) {
    if (!(error instanceof RangeError)) throw error; // the scanner's recursion ran out of stack
    tooDeep = true;
  }
  return tooDeep ? [tooDeepProblem()] : problems;
}

function duplicateKeyProblem(text: string, root: unknown, at: JSONPath, key: string, offset: number): ManifestProblem {
  const parent = at.reduce<string>((pointer, segment) => childPointer(pointer, segment), "");
  const { line, column } = lineAndColumn(text, offset);
  return {
    path: childPointer(parent, key),
    message:
      `${readableLocation(parent, root)} has the key ${quote(key)} more than once ` +
      `(again at line ${line}, column ${column}); keep only one`,
  };
}

function tooDeepProblem(): ManifestProblem {
  return { path: "", message: `the manifest is nested more than ${MAX_NESTING_DEPTH} levels deep` };
}
