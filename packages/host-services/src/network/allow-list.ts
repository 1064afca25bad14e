import { ConfigurationError } from "../errors.js";
import { compileUrlPattern, isUsable, urlTarget, type UnusablePattern, type UrlPattern } from "./url-pattern.js";

export const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Answers whether a URL (and, for http, a method) is inside a permission's `allowedUrls`. */
export type AllowList = (url: URL, method?: HttpMethod) => boolean;

/** A compiled `allowedUrls`, with the patterns that can never match (for a warning). */
export interface CompiledAllowList {
  readonly allows: AllowList;
  readonly unusable: readonly UnusablePattern[];
}

interface HttpRule {
  readonly pattern: UrlPattern;
  readonly methods: ReadonlySet<string>;
}

function compileMethods(methods: unknown, where: string): ReadonlySet<string> {
  if (!Array.isArray(methods)) {
    throw new ConfigurationError(`${where}: expected a list of HTTP methods, like ["GET"] or ["*"]`);
  }
  const names = methods.map((method) => String(method).toUpperCase());
  const unknown = names.find((name) => name !== "*" && !(HTTP_METHODS as readonly string[]).includes(name));
  if (unknown !== undefined) {
    throw new ConfigurationError(`${where}: unknown method "${unknown}"; use ${HTTP_METHODS.join(", ")} or "*"`);
  }
  return new Set(names);
}

const permits = (rule: HttpRule, method: string): boolean => rule.methods.has("*") || rule.methods.has(method);

/**
 * `undefined` (no `allowedUrls`) means every URL; an empty map allows none. Exact patterns (no `*`)
 * come first: when one matches the URL, the exact patterns' methods decide. Otherwise any wildcard
 * pattern matching the URL and listing the method allows it.
 */
export function compileHttpAllowList(
  allowedUrls: Record<string, string[]> | undefined,
  where: string,
): CompiledAllowList | undefined {
  if (allowedUrls === undefined) return undefined;
  const exact: HttpRule[] = [];
  const wildcard: HttpRule[] = [];
  const unusable: UnusablePattern[] = [];
  for (const [source, methods] of Object.entries(allowedUrls)) {
    const compiledMethods = compileMethods(methods, `${where}["${source}"]`);
    const pattern = compileUrlPattern(source, ["http", "https"]);
    if (!isUsable(pattern)) unusable.push(pattern);
    else (pattern.exact ? exact : wildcard).push({ pattern, methods: compiledMethods });
  }
  const allows: AllowList = (url, method = "GET") => {
    const target = urlTarget(url);
    if (target === undefined) return false;
    const exactMatches = exact.filter((rule) => rule.pattern.matches(target));
    if (exactMatches.length > 0) return exactMatches.some((rule) => permits(rule, method));
    return wildcard.some((rule) => rule.pattern.matches(target) && permits(rule, method));
  };
  return { allows, unusable };
}

/** `undefined` (no `allowedUrls`) means every URL; an empty list allows none. */
export function compileWebSocketAllowList(allowedUrls: string[] | undefined, where: string): CompiledAllowList | undefined {
  if (allowedUrls === undefined) return undefined;
  if (!Array.isArray(allowedUrls)) {
    throw new ConfigurationError(`${where}: expected a list of ws:// or wss:// patterns`);
  }
  const compiled = allowedUrls.map((source) => compileUrlPattern(source, ["ws", "wss"]));
  const patterns = compiled.filter(isUsable);
  const unusable = compiled.filter((pattern): pattern is UnusablePattern => !isUsable(pattern));
  const allows: AllowList = (url) => {
    const target = urlTarget(url);
    return target !== undefined && patterns.some((pattern) => pattern.matches(target));
  };
  return { allows, unusable };
}
