/**
 * One thing wrong with a manifest.
 * `path` is a JSON Pointer (RFC 6901) into the manifest: "" is the whole document,
 * "/permissions/http/allowedUrls" a nested field, "/capabilities/1" an array item.
 */
export interface ManifestProblem {
  path: string;
  /** A sentence a plugin author can act on. */
  message: string;
}
