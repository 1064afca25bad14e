// RFC 7230 token characters; Go leaves a name with any other character as it is.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Go's `CanonicalMIMEHeaderKey`: `content-type` becomes `Content-Type`, `x-test` becomes `X-Test`. */
export function canonicalHeaderName(name: string): string {
  if (!TOKEN.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** Response headers as Navidrome hands them to plugins: canonical names, the first value of each. */
export function pluginResponseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    const key = canonicalHeaderName(name);
    if (first !== undefined && !(key in result)) result[key] = first;
  }
  return result;
}
