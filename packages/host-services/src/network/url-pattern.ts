import { ConfigurationError } from "../errors.js";

/** A compiled `allowedUrls` entry. */
export interface UrlPattern {
  readonly source: string;
  matches(url: URL): boolean;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: "80", https: "443", ws: "80", wss: "443" };

const PATTERN_SYNTAX = /^([a-z]+):\/\/([^/?#:[\]]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?(\/[^?#]*)?$/i;

const escapeRegExp = (text: string): string => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

function globToRegExp(glob: string, wildcard: string): RegExp {
  return new RegExp(`^${glob.split("*").map(escapeRegExp).join(wildcard)}$`);
}

/**
 * Compiles one pattern: `scheme://host[:port][/path]`.
 * - scheme: exactly one of `schemes`.
 * - host: case-insensitive; `*` matches one or more characters (so `*.example.com` matches
 *   `a.example.com` and `a.b.example.com`, not `example.com`).
 * - port: a number or `*`; when absent, only the scheme's default port matches.
 * - path: when absent, every path matches; otherwise `*` matches any run of characters, `/` included,
 *   and the rest must equal the URL's normalized path. Query and fragment never take part.
 */
export function compileUrlPattern(source: string, schemes: readonly string[], where: string): UrlPattern {
  const parts = PATTERN_SYNTAX.exec(source);
  const fail = (reason: string): never => {
    throw new ConfigurationError(`${where}: "${source}" is not a valid URL pattern: ${reason}`);
  };
  if (!parts) return fail("expected scheme://host[:port][/path] without query or fragment");
  const [, schemeText = "", hostText = "", portText, pathText] = parts;
  const scheme = schemeText.toLowerCase();
  if (!schemes.includes(scheme)) fail(`the scheme must be ${schemes.join(" or ")}`);
  if (portText && portText !== "*" && Number(portText) > 65535) fail(`port ${portText} is out of range`);
  const host = globToRegExp(hostText.toLowerCase(), ".+");
  const port = portText ?? DEFAULT_PORTS[scheme];
  const path = pathText === undefined ? undefined : globToRegExp(pathText, ".*");
  return {
    source,
    matches(url) {
      const urlScheme = url.protocol.slice(0, -1);
      if (urlScheme !== scheme) return false;
      if (port !== "*" && (url.port || DEFAULT_PORTS[urlScheme]) !== port) return false;
      if (!host.test(url.hostname)) return false;
      return path === undefined || path.test(url.pathname);
    },
  };
}
