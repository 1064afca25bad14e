import { globMatches, type StepCounter } from "./glob-match.js";

/** Matches a URL's (lower-case) host name; the counter measures the work done. */
export type HostMatcher = (hostname: string, counter?: StepCounter) => boolean;

const isIpPatternCharacter = (character: string): boolean => character === "." || character === "*" || isDigit(character);
const isDigit = (character: string): boolean => character >= "0" && character <= "9";

/** Digits, dots and stars only, with at least one digit (`*` alone is a DNS label). */
function isIpPattern(host: string): boolean {
  return [...host].every(isIpPatternCharacter) && [...host].some(isDigit);
}

/**
 * Compiles the host of an `allowedUrls` pattern (lower case), as Navidrome reads it:
 * - `*` alone is any host;
 * - in an IP pattern (`192.168.*`), a `*` is a run of digits and dots;
 * - elsewhere a `*` is part of exactly one DNS label, never empty (`*.example.com` matches
 *   `a.example.com`, not `a.b.example.com` nor `example.com`).
 * Every match is linear in the host and pattern lengths (see globMatches).
 */
export function compileHostPattern(host: string): HostMatcher {
  if (host === "*") return () => true;
  if (isIpPattern(host)) {
    return (hostname, counter) =>
      [...hostname].every((character) => character === "." || isDigit(character)) &&
      globMatches(host, hostname, { nonEmptyStars: true, counter });
  }
  const labels = host.split(".");
  return (hostname, counter) => {
    const candidate = hostname.split(".");
    return (
      candidate.length === labels.length &&
      labels.every((label, index) => globMatches(label, candidate[index]!, { nonEmptyStars: true, counter }))
    );
  };
}
