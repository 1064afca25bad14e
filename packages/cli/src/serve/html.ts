/** Markup that is already safe: what `html` returns, inserted into other `html` as it is. */
export class SafeHtml {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/**
 * A template tag that escapes every value (text and attribute values alike) unless it is
 * SafeHtml; arrays are joined. Plugin names, errors and log lines are hostile input.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  const piece = (value: unknown): string => {
    if (value instanceof SafeHtml) return value.text;
    if (Array.isArray(value)) return value.map(piece).join("");
    if (value === undefined || value === null || value === false) return "";
    return escapeHtml(String(value));
  };
  return new SafeHtml(strings.reduce((text, string, index) => text + piece(values[index - 1]) + string));
}
