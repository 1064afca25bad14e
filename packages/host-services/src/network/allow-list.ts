import { ConfigurationError } from "../errors.js";
import { compileUrlPattern, type UrlPattern } from "./url-pattern.js";

export const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Answers whether a URL (and, for http, a method) is inside a permission's `allowedUrls`. */
export type AllowList = (url: URL, method?: HttpMethod) => boolean;

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

/** `undefined` (no `allowedUrls`) means every URL; an empty map allows none. */
export function compileHttpAllowList(
  allowedUrls: Record<string, string[]> | undefined,
  where: string,
): AllowList | undefined {
  if (allowedUrls === undefined) return undefined;
  const rules = Object.entries(allowedUrls).map(([pattern, methods]) => ({
    pattern: compileUrlPattern(pattern, ["http", "https"], where),
    methods: compileMethods(methods, `${where}["${pattern}"]`),
  }));
  return (url, method = "GET") =>
    rules.some((rule) => rule.pattern.matches(url) && (rule.methods.has("*") || rule.methods.has(method)));
}

/** `undefined` (no `allowedUrls`) means every URL; an empty list allows none. */
export function compileWebSocketAllowList(allowedUrls: string[] | undefined, where: string): AllowList | undefined {
  if (allowedUrls === undefined) return undefined;
  if (!Array.isArray(allowedUrls)) {
    throw new ConfigurationError(`${where}: expected a list of ws:// or wss:// patterns`);
  }
  const patterns: UrlPattern[] = allowedUrls.map((pattern) => compileUrlPattern(pattern, ["ws", "wss"], where));
  return (url) => patterns.some((pattern) => pattern.matches(url));
}
