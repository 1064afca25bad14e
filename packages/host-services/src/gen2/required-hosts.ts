import { globMatches } from "../network/glob-match.js";

/** How a host is treated by a `requiredHosts` list. */
export interface HostVerdict {
  allowed: boolean;
  /** It may be a local address: the list names it with a pattern other than `*`. */
  mayBeLocal: boolean;
}

/** http_send without requiredHosts: any host, as long as it is not a local address. */
export const ANY_PUBLIC_HOST: HostVerdict = Object.freeze({ allowed: true, mayBeLocal: false });
/** The kernel http_request and websocket without requiredHosts: nothing. */
export const NO_HOST: HostVerdict = Object.freeze({ allowed: false, mayBeLocal: false });

/**
 * "navidrome": v0.63's matcher of http_send and websocket (`*`, an exact name, or `*.suffix` for
 * the subdomains of suffix, apex excluded). "glob": Extism's allowed_hosts of the kernel http_request
 * (`*` anywhere, any run of characters).
 */
export type HostPatternStyle = "navidrome" | "glob";

const isAnyHost = (pattern: string) => /^\*+$/.test(pattern);

function patternMatches(pattern: string, hostname: string, style: HostPatternStyle): boolean {
  if (isAnyHost(pattern)) return true;
  if (style === "glob") return globMatches(pattern, hostname);
  return pattern.startsWith("*.") ? hostname.endsWith(pattern.slice(1)) : pattern === hostname;
}

/** A URL's host name as the patterns see it: lower case, IPv6 brackets removed. */
export function patternHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
}

/**
 * Compiles a permission's `requiredHosts`. Names match in any case (WHATWG URLs lower-case host
 * names; v0.63 compares case-sensitively). `whenEmpty` is the verdict of an empty or absent list.
 */
export function compileRequiredHosts(
  patterns: readonly string[] | undefined,
  style: HostPatternStyle,
  whenEmpty: HostVerdict,
): (hostname: string) => HostVerdict {
  const compiled = (patterns ?? []).filter((item) => typeof item === "string").map((item) => item.toLowerCase());
  if (compiled.length === 0) return () => whenEmpty;
  return (hostname) => {
    const matching = compiled.filter((pattern) => patternMatches(pattern, hostname, style));
    return { allowed: matching.length > 0, mayBeLocal: matching.some((pattern) => !isAnyHost(pattern)) };
  };
}
