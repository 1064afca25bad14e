const HIDDEN = /[/\\]/;

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const hidesSomething = (decoded: string | undefined): boolean =>
  decoded === undefined || HIDDEN.test(decoded) || decoded === "." || decoded === "..";

/**
 * The path `allowedUrls` patterns are matched against: a normalized URL path, percent-decoded as
 * Go's URL parser does before Navidrome matches it (so `/api/%61dmin` is `/api/admin`). Undefined
 * when an encoding hides a separator (`%2f`, `%5c`), a `.` or `..` segment (`%2e%2e`), or does not
 * decode: the URL parser keeps such a segment whole, but a server that decodes first would walk
 * somewhere else than the path that was matched. Every caller checking a URL against a permission
 * goes through this one rule.
 */
export function decodedPath(pathname: string): string | undefined {
  const segments: string[] = [];
  for (const segment of pathname.split("/")) {
    const decoded = segment.includes("%") ? decodeSegment(segment) : segment;
    if (decoded !== segment && hidesSomething(decoded)) return undefined;
    segments.push(decoded!);
  }
  return segments.join("/");
}
