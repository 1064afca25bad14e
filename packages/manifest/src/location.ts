/** The segments of a JSON Pointer ("" → [], "/a~1b/0" → ["a/b", "0"]). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Appends one key or index to a JSON Pointer. */
export function childPointer(pointer: string, key: string | number): string {
  return `${pointer}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

/**
 * How a message names a place in the manifest, the way an author reads it:
 * `capabilities[1]`, `permissions.http.allowedUrls["https://x/*"]`, or `rootLabel` for the whole.
 */
export function readableLocation(pointer: string, root: unknown, rootLabel = "the manifest"): string {
  let label = "";
  let container = root;
  for (const segment of pointerSegments(pointer)) {
    label += Array.isArray(container) ? `[${segment}]` : propertyAccess(segment, label === "");
    container = childOf(container, segment);
  }
  return label === "" ? rootLabel : label;
}

function propertyAccess(key: string, first: boolean): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return first ? key : `.${key}`;
  return `[${JSON.stringify(key)}]`;
}

function childOf(container: unknown, key: string): unknown {
  if (typeof container !== "object" || container === null) return undefined;
  return Object.hasOwn(container, key) ? (container as Record<string, unknown>)[key] : undefined;
}
