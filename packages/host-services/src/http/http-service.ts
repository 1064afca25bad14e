import { http } from "@nd/protocol";
import type { HttpPermission } from "@nd/manifest";
import type { Dispatcher } from "undici";
import { NetworkRefusedError } from "../errors.js";
import { compileHttpAllowList, type HttpMethod } from "../network/allow-list.js";
import type { HostCallOptions } from "../host-call-options.js";
import { loadUndici } from "../lazy-modules.js";
import { type NetworkAccess, networkScope } from "../network/network-access.js";
import type { Logger, ResolvedOptions } from "../options.js";
import { readBoundedBody } from "./bounded-body.js";
import { pluginResponseHeaders } from "./canonical-headers.js";
import type * as Messages from "../messages.js";

type HttpRequestInput = Partial<Messages.HttpRequest>;

/**
 * HttpService: outgoing HTTP requests. Failures come back in `error`, never as exceptions.
 * A request ends at its own timeout or when `options.signal` is aborted, whichever comes first.
 */
export interface HttpService {
  get(request: HttpRequestInput, options?: HostCallOptions): Promise<Messages.HttpResponse>;
  post(request: HttpRequestInput, options?: HostCallOptions): Promise<Messages.HttpResponse>;
  put(request: HttpRequestInput, options?: HostCallOptions): Promise<Messages.HttpResponse>;
  delete(request: HttpRequestInput, options?: HostCallOptions): Promise<Messages.HttpResponse>;
  patch(request: HttpRequestInput, options?: HostCallOptions): Promise<Messages.HttpResponse>;
  head(request: HttpRequestInput, options?: HostCallOptions): Promise<Messages.HttpResponse>;
  options(request: HttpRequestInput, options?: HostCallOptions): Promise<Messages.HttpResponse>;
}

export interface ClosableHttpService extends HttpService {
  /** Ends every request in flight and refuses later ones (on unload or reload). */
  abortAll(): void;
}

const METHODS_WITHOUT_BODY: ReadonlySet<HttpMethod> = new Set(["GET", "DELETE", "HEAD", "OPTIONS"]);
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
// Credentials the plugin meant for one origin are not handed to another one by a redirect.
const ORIGIN_BOUND_HEADERS = ["authorization", "cookie", "proxy-authorization"];

class RequestTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = "RequestTimeoutError";
  }
}

interface Hop {
  url: URL;
  method: HttpMethod;
  body: Uint8Array | undefined;
  headers: Record<string, string>;
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

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && error.cause.message !== error.message ? `: ${error.cause.message}` : "";
  const code = (error as { code?: unknown }).code;
  return `${error.message}${cause}${typeof code === "string" && !error.message.includes(code) ? ` (${code})` : ""}`;
}

export function createHttpService(
  pluginName: string,
  permission: HttpPermission,
  network: NetworkAccess,
  limits: ResolvedOptions["http"],
  logger: Logger,
): ClosableHttpService {
  const where = `plugin "${pluginName}" permissions.http.allowedUrls`;
  const scope = networkScope(
    where,
    {
      allowLocalNetwork: permission.allowLocalNetwork === true,
      compiled: compileHttpAllowList(permission.allowedUrls, where),
      schemes: ["http", "https"],
      hostConnects: network.hasHostDispatcher,
    },
    logger,
  );
  const undici = loadUndici();
  const unloaded = new AbortController();

  function timeoutOf(requested: number): number {
    return requested > 0 ? Math.min(requested, limits.maxTimeoutMs) : limits.defaultTimeoutMs;
  }

  /**
   * Sends the request and follows up to `maxRedirects` redirects. As Navidrome does, the plugin
   * gets the last redirect response itself (status, headers, body) when one more would be needed
   * or when its target is refused.
   */
  async function follow(first: Hop, signal: AbortSignal): Promise<Messages.HttpResponse> {
    let hop = first;
    let lastRedirect: Messages.HttpResponse | undefined;
    const { request } = await undici;
    const dispatcher = network.dispatcher(scope.allowLocalNetwork);
    for (let redirects = 0; ; redirects++) {
      let response: Dispatcher.ResponseData;
      try {
        await network.check(hop.url, scope, hop.method);
        response = await network.send(hop.url, scope, () =>
          request(hop.url, { dispatcher, method: hop.method, headers: hop.headers, body: hop.body, signal }),
        );
      } catch (error) {
        // Refused by the allow-list or the address policy, before connecting or when connecting.
        if (lastRedirect && error instanceof NetworkRefusedError) return lastRedirect;
        throw error;
      }
      const body = await readBoundedBody(response.body, limits.maxResponseBytes);
      const answer = { status: response.statusCode, headers: pluginResponseHeaders(response.headers), body, error: "" };
      const location = response.headers.location;
      const redirected = REDIRECT_STATUSES.has(response.statusCode) && typeof location === "string";
      if (!redirected || redirects >= limits.maxRedirects) return answer;
      lastRedirect = answer;
      hop = nextHop(hop, response.statusCode, location);
    }
  }

  async function send(method: HttpMethod, input: HttpRequestInput, options: HostCallOptions = {}): Promise<Messages.HttpResponse> {
    const req = http.HttpRequest.fromPartial(input);
    const failure = (reason: string): Messages.HttpResponse => ({
      status: 0,
      headers: {},
      body: new Uint8Array(),
      error: `${method} ${req.url}: ${reason}`,
    });
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return failure("not a valid absolute URL");
    }
    const timeoutMs = timeoutOf(req.timeoutMs);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new RequestTimeoutError(timeoutMs)), timeoutMs);
    const signals = [controller.signal, unloaded.signal, ...(options.signal ? [options.signal] : [])];
    const signal = AbortSignal.any(signals);
    try {
      const body = METHODS_WITHOUT_BODY.has(method) ? undefined : req.body;
      return await follow({ url, method, body, headers: { ...req.headers } }, signal);
    } catch (error) {
      const reason = signal.aborted ? signal.reason : error;
      return failure(describeFailure(reason));
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    get: (req, options) => send("GET", req, options),
    post: (req, options) => send("POST", req, options),
    put: (req, options) => send("PUT", req, options),
    delete: (req, options) => send("DELETE", req, options),
    patch: (req, options) => send("PATCH", req, options),
    head: (req, options) => send("HEAD", req, options),
    options: (req, options) => send("OPTIONS", req, options),
    abortAll: () => unloaded.abort(new Error(`the services of plugin "${pluginName}" are closed`)),
  };
}
