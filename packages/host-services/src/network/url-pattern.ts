import { globMatches } from "./glob-match.js";

/** A compiled `allowedUrls` entry. */
export interface UrlPattern {
  readonly source: string;
  /** True when the pattern holds no `*`: such patterns are checked before the wildcard ones. */
  readonly exact: boolean;
  matches(url: URL): boolean;
}

/** A pattern that can never match, and why (logged as a warning when the plugin's services are made). */
export interface UnusablePattern {
  readonly source: string;
  readonly problem: string;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: "80", https: "443", ws: "80", wss: "443" };

const PATTERN_SYNTAX =
  /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/?#:[\]]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?(\/[^?#]*)?$/i;

// An IP pattern: digits, dots and stars only, with at least one digit (`*` alone is a DNS label).
const IP_PATTERN = /^(?=.*\d)[\d.*]+$/;

const escapeRegExp = (text: string): string => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

function globToRegExp(glob: string, wildcard: string): RegExp {
  return new RegExp(`^${glob.split("*").map(escapeRegExp).join(wildcard)}$`);
}

/** `*` is exactly one DNS label, or a run of digits and dots in an IP pattern. */
function hostMatcher(host: string): RegExp {
  return globToRegExp(host, IP_PATTERN.test(host) ? "[0-9.]+" : "[^.]+");
}

/**
 * Path rule: empty or `/` in a pattern holding a `*` allows any path; `/p/*` is `/p` and what is below it
 * (not `/px`); other `*` match any run of characters; without `*` the path must be equal ("" is "/").
 */
function pathMatcher(path: string | undefined, patternHasWildcard: boolean): (pathname: string) => boolean {
  if ((path === undefined || path === "/") && patternHasWildcard) return () => true;
  const wanted = path ?? "/";
  const prefix = wanted.endsWith("/*") ? wanted.slice(0, -2) : undefined;
  if (prefix !== undefined && !prefix.includes("*")) {
    return (pathname) => pathname === prefix || pathname.startsWith(`${prefix}/`);
  }
  return (pathname) => globMatches(wanted, pathname);
}

/**
 * Compiles one pattern: `*`, or `[scheme://]host[:port][/path]` (Navidrome's reading of `allowedUrls`).
 * - scheme: when present, only that scheme matches (one outside `schemes` can never match); when
 *   absent, any of `schemes`.
 * - host: case-insensitive; a `*` is exactly one label (`*.example.com` matches `a.example.com`, not
 *   `a.b.example.com` nor `example.com`), or digits and dots in an IP pattern (`192.168.*`).
 * - port: a number or `*`; when absent, only the URL scheme's default port matches.
 * - path: see pathMatcher. Query and fragment never take part.
 */
export function compileUrlPattern(source: string, schemes: readonly string[]): UrlPattern | UnusablePattern {
  const exact = !source.includes("*");
  if (source === "*") return { source, exact, matches: (url) => schemes.includes(url.protocol.slice(0, -1)) };
  const parts = PATTERN_SYNTAX.exec(source);
  if (!parts) return { source, problem: "expected *, or [scheme://]host[:port][/path] without query or fragment" };
  const [, schemeText, hostText = "", portText, pathText] = parts;
  const scheme = schemeText?.toLowerCase();
  if (scheme !== undefined && !schemes.includes(scheme)) {
    return { source, problem: `the scheme "${scheme}" is not ${schemes.join(" or ")}, so it matches nothing` };
  }
  if (portText && portText !== "*" && Number(portText) > 65535) return { source, problem: `port ${portText} is out of range` };
  const host = hostMatcher(hostText.toLowerCase());
  const path = pathMatcher(pathText, !exact);
  return {
    source,
    exact,
    matches(url) {
      const urlScheme = url.protocol.slice(0, -1);
      if (scheme === undefined ? !schemes.includes(urlScheme) : urlScheme !== scheme) return false;
      const port = url.port || DEFAULT_PORTS[urlScheme];
      if (portText !== "*" && port !== (portText ?? DEFAULT_PORTS[urlScheme])) return false;
      return host.test(url.hostname) && path(url.pathname);
    },
  };
}

export const isUsable = (pattern: UrlPattern | UnusablePattern): pattern is UrlPattern => "matches" in pattern;
