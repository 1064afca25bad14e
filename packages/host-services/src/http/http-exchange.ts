import type { Dispatcher } from "undici";
import { NetworkRefusedError } from "../errors.js";
import { loadUndici } from "../lazy-modules.js";
import type { HttpMethod } from "../network/allow-list.js";
import type { NetworkAccess, NetworkScope } from "../network/network-access.js";
import { readBoundedBody } from "./bounded-body.js";

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
// Credentials the plugin meant for one origin are not handed to another one by a redirect.
const ORIGIN_BOUND_HEADERS = ["authorization", "cookie", "proxy-authorization"];

/** One request of an exchange: the plugin's, or one a redirect leads to. */
export interface Hop {
  url: URL;
  method: string;
  body: Uint8Array | undefined;
  headers: Record<string, string>;
}

/** A response as read from the wire: headers as undici gives them (lower-case names). */
export interface ExchangeAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** How an exchange may reach the network; shared by both generations' http services. */
export interface ExchangePolicy {
  readonly network: NetworkAccess;
  /**
   * The scope each hop is checked and sent under (generation 2's depends on the hop's host); it
   * may throw NetworkRefusedError to refuse the hop.
   */
  scopeOf(url: URL): NetworkScope;
  /** 0: a redirect response is the answer. */
  readonly maxRedirects: number;
  readonly maxResponseBytes: number;
}

/** The exchange did not produce a response: refused, failed, too large or out of time. `message` says why. */
export class HttpExchangeFailure extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "HttpExchangeFailure";
  }
}

class RequestTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = "RequestTimeoutError";
  }
}

function nextHop(hop: Hop, status: number, location: string): Hop {
  const url = new URL(location, hop.url);
  const becomesGet =
    status === 303 ? hop.method !== "HEAD" : (status === 301 || status === 302) && hop.method === "POST";
  const headers = { ...hop.headers };
  if (url.origin !== hop.url.origin) {
    for (const name of Object.keys(headers)) {
      if (ORIGIN_BOUND_HEADERS.includes(name.toLowerCase())) delete headers[name];
    }
  }
  return becomesGet ? { url, method: "GET", body: undefined, headers } : { ...hop, url, headers };
}

export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && error.cause.message !== error.message ? `: ${error.cause.message}` : "";
  const code = (error as { code?: unknown }).code;
  return `${error.message}${cause}${typeof code === "string" && !error.message.includes(code) ? ` (${code})` : ""}`;
}

/**
 * Sends the request and follows up to `maxRedirects` redirects, each hop checked by its scope. As
 * Navidrome does, the answer is the last redirect response itself (status, headers, body) when one
 * more would be needed or when its target is refused.
 */
async function follow(first: Hop, policy: ExchangePolicy, signal: AbortSignal): Promise<ExchangeAnswer> {
  const { request } = await loadUndici();
  const { network } = policy;
  let hop = first;
  let lastRedirect: ExchangeAnswer | undefined;
  for (let redirects = 0; ; redirects++) {
    let response: Dispatcher.ResponseData;
    try {
      const scope = policy.scopeOf(hop.url);
      const dispatcher = network.dispatcher(scope.allowLocalNetwork);
      await network.check(hop.url, scope, hop.method as HttpMethod);
      response = await network.send(hop.url, scope, () =>
        request(hop.url, {
          dispatcher,
          method: hop.method as Dispatcher.HttpMethod,
          headers: hop.headers,
          body: hop.body,
          signal,
        }),
      );
    } catch (error) {
      // Refused by the allow-list or the address policy, before connecting or when connecting.
      if (lastRedirect && error instanceof NetworkRefusedError) return lastRedirect;
      throw error;
    }
    const body = await readBoundedBody(response.body, policy.maxResponseBytes);
    const answer = { status: response.statusCode, headers: response.headers, body };
    const location = response.headers.location;
    const redirected = REDIRECT_STATUSES.has(response.statusCode) && typeof location === "string";
    if (!redirected || redirects >= policy.maxRedirects) return answer;
    lastRedirect = answer;
    hop = nextHop(hop, response.statusCode, location);
  }
}

/**
 * One HTTP exchange of a plugin, redirects and body included, ending at `timeoutMs` or when any of
 * `signals` aborts. Throws HttpExchangeFailure when no response could be had.
 */
export async function exchange(
  first: Hop,
  policy: ExchangePolicy,
  timeoutMs: number,
  signals: readonly AbortSignal[],
): Promise<ExchangeAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new RequestTimeoutError(timeoutMs)), timeoutMs);
  const signal = AbortSignal.any([controller.signal, ...signals]);
  try {
    return await follow(first, policy, signal);
  } catch (error) {
    const reason = signal.aborted ? signal.reason : error;
    throw new HttpExchangeFailure(describeFailure(reason), { cause: reason });
  } finally {
    clearTimeout(timer);
  }
}
