const MAX_QUOTED = 80;

/** A short rendering of a value for "got ..." in a message: `"text"`, `12`, `null`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? "an empty array" : "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return quote(value);
  return String(value);
}

/** A string in double quotes, cut short when long. */
export function quote(text: string): string {
  const quoted = JSON.stringify(text);
  return quoted.length <= MAX_QUOTED ? quoted : `${quoted.slice(0, MAX_QUOTED - 4)}..."`;
}
