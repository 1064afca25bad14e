import { decodedPath } from "./encoded-traversal.js";
import { globMatches, type StepCounter } from "./glob-match.js";
import { compileHostPattern } from "./host-pattern.js";

/** What a URL is matched on: its parts, the path decoded (see decodedPath). */
export interface UrlTarget {
  readonly scheme: string;
  readonly hostname: string;
  /** "" when the URL gives none (the URL parser also drops an explicit default port). */
  readonly port: string;
  readonly path: string;
}

/** A URL's target, or undefined when its path hides a separator or dot segment behind percent-encoding. */
export function urlTarget(url: URL): UrlTarget | undefined {
  const path = decodedPath(url.pathname);
  if (path === undefined) return undefined;
  return { scheme: url.protocol.slice(0, -1), hostname: url.hostname, port: url.port, path };
}

/** A compiled `allowedUrls` entry. */
export interface UrlPattern {
  readonly source: string;
  /** True when the pattern holds no `*`: such patterns are checked before the wildcard ones. */
  readonly exact: boolean;
  /** Linear in the target's and the pattern's lengths; the counter measures the work done. */
  matches(target: UrlTarget, counter?: StepCounter): boolean;
}

/** A pattern that can never match, and why (logged as a warning when the plugin's services are made). */
export interface UnusablePattern {
  readonly source: string;
  readonly problem: string;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: "80", https: "443", ws: "80", wss: "443" };

// Anchored, and no two parts can take the same characters, so a failing match gives up in one pass.
const PATTERN_SYNTAX = /^([a-z][a-z0-9+.-]*):\/\/([^/?#:[\]]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?(\/[^?#]*)?$/i;

/**
 * Path rule: empty or `/` in a pattern holding a `*` allows any path; `/p/*` is `/p` and what is below it
 * (not `/px`); other `*` match any run of characters; without `*` the path must be equal ("" is "/").
 */
function pathMatcher(path: string | undefined, patternHasWildcard: boolean): (path: string, counter?: StepCounter) => boolean {
  if ((path === undefined || path === "/") && patternHasWildcard) return () => true;
  const wanted = path ?? "/";
  const prefix = wanted.endsWith("/*") ? wanted.slice(0, -2) : undefined;
  if (prefix !== undefined && !prefix.includes("*")) {
    return (candidate) => candidate === prefix || candidate.startsWith(`${prefix}/`);
  }
  return (candidate, counter) => globMatches(wanted, candidate, { counter });
}

/** Where a pattern has no scheme: Navidrome reads `api.example.com/*` as a path, which matches nothing. */
function missingScheme(source: string, schemes: readonly string[]): UnusablePattern {
  const suggested = `${schemes.at(-1)}://${source}`;
  return {
    source,
    problem: `it has no scheme, and Navidrome reads its host as a path, so it is refused; write "${suggested}"`,
  };
}

/**
 * Compiles one pattern: `*`, or `scheme://host[:port][/path]` (Navidrome's reading of `allowedUrls`).
 * - scheme: required; only that scheme matches (one outside `schemes` can never match).
 * - host: case-insensitive; see compileHostPattern.
 * - port: a number, or `*` for any port the URL gives; when absent, only the scheme's default port.
 * - path: matched decoded (see decodedPath and pathMatcher). Query and fragment never take part.
 */
export function compileUrlPattern(source: string, schemes: readonly string[]): UrlPattern | UnusablePattern {
  const exact = !source.includes("*");
  if (source === "*") return { source, exact, matches: (target) => schemes.includes(target.scheme) };
  if (!source.includes("://")) return missingScheme(source, schemes);
  const parts = PATTERN_SYNTAX.exec(source);
  if (!parts) return { source, problem: "expected *, or scheme://host[:port][/path] without query or fragment" };
  const [, schemeText = "", hostText = "", portText, pathText] = parts;
  const scheme = schemeText.toLowerCase();
  if (!schemes.includes(scheme)) {
    return { source, problem: `the scheme "${scheme}" is not ${schemes.join(" or ")}, so it matches nothing` };
  }
  if (portText && portText !== "*" && Number(portText) > 65535) return { source, problem: `port ${portText} is out of range` };
  const patternPath = pathText === undefined ? undefined : decodedPath(pathText);
  if (pathText !== undefined && patternPath === undefined) {
    return { source, problem: "its path hides a separator or a dot segment behind percent-encoding" };
  }
  const host = compileHostPattern(hostText.toLowerCase());
  const path = pathMatcher(patternPath, !exact);
  const portMatches = (port: string): boolean =>
    portText === "*" ? port !== "" : (port || DEFAULT_PORTS[scheme]) === (portText ?? DEFAULT_PORTS[scheme]);
  return {
    source,
    exact,
    matches: (target, counter) =>
      target.scheme === scheme && portMatches(target.port) && host(target.hostname, counter) && path(target.path, counter),
  };
}

export const isUsable = (pattern: UrlPattern | UnusablePattern): pattern is UrlPattern => "matches" in pattern;
