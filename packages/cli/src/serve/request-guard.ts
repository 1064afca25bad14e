import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { HttpError } from "./http-json.js";

/** Who may talk to the server. */
export interface AccessPolicy {
  /** Host names the `Host` header may carry besides IP addresses and `localhost` (lower case). */
  readonly allowedHosts: readonly string[];
  /** When set, every request must carry it as a bearer token (or as the password of Basic auth). */
  readonly token?: string;
}

/** `Sec-Fetch-Site` values of requests a page of another site did not make. */
const OWN_FETCH_SITES = ["same-origin", "none"];

/**
 * Refuses what a browser page of another site could send: a `Host` that is not this server
 * (DNS rebinding), an `Origin` or `Sec-Fetch-Site` of another site, a POST body that is not
 * JSON (what forms send without a preflight), and anything without the token when one is set.
 */
export function guardRequest(policy: AccessPolicy, request: IncomingMessage): void {
  const host = checkHost(policy, request.headers.host);
  checkToken(policy, request.headers.authorization);
  checkOrigin(host, request.headers.origin, isStatusPageVisit(request) ? undefined : request.headers["sec-fetch-site"]);
  if (request.method === "POST") checkJsonBody(request.headers["content-type"]);
}

function checkHost(policy: AccessPolicy, host: string | undefined): string {
  if (!host) throw refused(400, "MissingHost", "the request has no Host header");
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    throw refused(400, "BadHost", `the Host header ${JSON.stringify(host)} is not a host name`);
  }
  const address = hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(address) !== 0 || hostname === "localhost" || policy.allowedHosts.includes(hostname)) return host;
  throw refused(403, "ForbiddenHost", `this server does not answer for the host ${JSON.stringify(hostname)}; add it to [Serve] AllowedHosts`);
}

function checkToken(policy: AccessPolicy, authorization: string | undefined): void {
  if (policy.token === undefined) return;
  const given = tokenOf(authorization);
  if (given !== undefined && sameSecret(given, policy.token)) return;
  throw new HttpError(401, "Unauthorized", "this server needs its token: send Authorization: Bearer <token>", true, {
    "www-authenticate": 'Basic realm="nd serve", charset="UTF-8"',
  });
}

/** `Bearer <token>`, or Basic auth with any user name and the token as password (for browsers). */
function tokenOf(authorization: string | undefined): string | undefined {
  const [scheme = "", value = ""] = (authorization ?? "").trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer") return value;
  if (scheme.toLowerCase() !== "basic") return undefined;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** Compares digests, so neither the time taken nor a length check tells how much matched. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function checkOrigin(host: string, origin: string | undefined, fetchSite: string | string[] | undefined): void {
  if (origin !== undefined) {
    // https too: the same host behind a TLS proxy is still this server.
    if (origin === `http://${host}` || origin === `https://${host}`) return;
    throw refused(403, "ForbiddenOrigin", `requests from pages of ${JSON.stringify(origin)} are refused; only this server's own pages may send requests`);
  }
  if (typeof fetchSite === "string" && !OWN_FETCH_SITES.includes(fetchSite)) {
    throw refused(403, "ForbiddenOrigin", `requests from pages of other sites are refused (Sec-Fetch-Site: ${fetchSite})`);
  }
}

/** A link on another site may open the status page: showing it runs no plugin, and it cannot be framed. */
function isStatusPageVisit(request: IncomingMessage): boolean {
  return request.method === "GET" && request.url === "/" && request.headers["sec-fetch-mode"] === "navigate";
}

function checkJsonBody(contentType: string | undefined): void {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType === "application/json") return;
  throw refused(415, "UnsupportedMediaType", `POST bodies must be sent as Content-Type: application/json, not ${JSON.stringify(contentType ?? "none")}`);
}

/** A refused request's body is not read, so its connection is not reused. */
function refused(status: number, kind: string, message: string): HttpError {
  return new HttpError(status, kind, message, true);
}
