import { visit, type JSONPath } from "jsonc-parser";
import { quote } from "./describe-value.js";
import { STRICT_JSON, lineAndColumn } from "./json-syntax.js";
import { childPointer, readableLocation } from "./location.js";
import type { ManifestProblem } from "./problem.js";

/** Deeper nesting than any manifest needs; also keeps the recursive scan off the stack limit. */
export const MAX_NESTING_DEPTH = 32;

/**
 * What JSON.parse hides. A key written twice in one object is a warning: the last one is used,
 * as JSON.parse and Navidrome's Go loader both do. Nesting deeper than MAX_NESTING_DEPTH is a
 * problem. `value` is the parsed `text`.
 */
export function hiddenJsonFindings(text: string, value: unknown): { problems: ManifestProblem[]; warnings: ManifestProblem[] } {
  const warnings: ManifestProblem[] = [];
  const keysOfOpenObjects: (Set<string> | undefined)[] = [];
  let tooDeep = false;
  const open = (keys: Set<string> | undefined) => {
    keysOfOpenObjects.push(keys);
    tooDeep ||= keysOfOpenObjects.length > MAX_NESTING_DEPTH;
  };
  const close = () => void keysOfOpenObjects.pop();
  const onProperty = (key: string, offset: number, _length: number, _line: number, _column: number, at: () => JSONPath) => {
    const keys = keysOfOpenObjects.at(-1);
    if (keys?.has(key)) warnings.push(duplicateKeyWarning(text, value, at(), key, offset));
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
  return tooDeep ? { problems: [tooDeepProblem()], warnings: [] } : { problems: [], warnings };
}

function duplicateKeyWarning(text: string, root: unknown, at: JSONPath, key: string, offset: number): ManifestProblem {
  const parent = at.reduce<string>((pointer, segment) => childPointer(pointer, segment), "");
  const { line, column } = lineAndColumn(text, offset);
  return {
    path: childPointer(parent, key),
    message:
      `${readableLocation(parent, root)} has the key ${quote(key)} more than once ` +
      `(again at line ${line}, column ${column}); the last one is used`,
  };
}

function tooDeepProblem(): ManifestProblem {
  return { path: "", message: `the manifest is nested more than ${MAX_NESTING_DEPTH} levels deep` };
}
