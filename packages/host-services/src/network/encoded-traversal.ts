const SEPARATORS = /[/\\]/;

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * True when a normalized URL path hides a `.` or `..` segment behind percent-encoding, as in
 * `/api/..%2fadmin`: the URL parser keeps it as one segment, but a server that decodes `%2f` first
 * would walk out of the allowed prefix. A segment that does not decode is treated as hiding one.
 */
export function hidesDotSegment(pathname: string): boolean {
  return pathname.split("/").some((segment) => {
    if (!segment.includes("%")) return false;
    const decoded = decodeSegment(segment);
    return decoded === undefined || decoded.split(SEPARATORS).some((part) => part === "." || part === "..");
  });
}
