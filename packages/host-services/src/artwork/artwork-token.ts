import { ArtworkTokenError } from "../errors.js";
import { nodeCrypto } from "../node-builtins.js";

/** "playlist" only from generation 2's artwork_getplaylisturl. */
export const ARTWORK_KINDS = ["artist", "album", "track", "playlist"] as const;
export type ArtworkKind = (typeof ARTWORK_KINDS)[number];

/** What an artwork token carries: which image a share URL points at. */
export interface ArtworkRef {
  kind: ArtworkKind;
  id: string;
}

type Secret = string | Uint8Array;

function sign(payload: string, secret: Secret): Buffer {
  return nodeCrypto().createHmac("sha256", secret).update(payload).digest();
}

/**
 * Makes the token of an artwork share URL: `<payload>.<signature>`, both base64url, where the payload
 * is `<kind>:<id>` and the signature its HMAC-SHA256 under the host secret.
 */
export function createArtworkToken(ref: ArtworkRef, secret: Secret): string {
  const payload = Buffer.from(`${ref.kind}:${ref.id}`, "utf8").toString("base64url");
  return `${payload}.${sign(payload, secret).toString("base64url")}`;
}

/**
 * Checks a token from an artwork share URL and answers the artwork it names.
 * Throws ArtworkTokenError when it is malformed or its signature does not match (altered, forged,
 * or signed with another secret). The signature is compared in constant time.
 */
export function verifyArtworkToken(token: string, secret: Secret): ArtworkRef {
  const [payload, signature, ...rest] = token.split(".");
  if (!payload || !signature || rest.length > 0) {
    throw new ArtworkTokenError("artwork token must have the form <payload>.<signature>");
  }
  const expected = sign(payload, secret);
  const given = Buffer.from(signature, "base64url");
  if (given.byteLength !== expected.byteLength || !nodeCrypto().timingSafeEqual(given, expected)) {
    throw new ArtworkTokenError("artwork token signature does not match");
  }
  const decoded = Buffer.from(payload, "base64url").toString("utf8");
  const separator = decoded.indexOf(":");
  const kind = decoded.slice(0, separator);
  if (separator < 0 || !(ARTWORK_KINDS as readonly string[]).includes(kind)) {
    throw new ArtworkTokenError(`artwork token names an unknown kind "${kind}"`);
  }
  return { kind: kind as ArtworkKind, id: decoded.slice(separator + 1) };
}
