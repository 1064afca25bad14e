import { http } from "@nd/protocol";
import type { HttpPermission } from "@nd/manifest";
import { compileHttpAllowList, type HttpMethod } from "../network/allow-list.js";
import type { HostCallOptions } from "../host-call-options.js";
import { loadUndici } from "../lazy-modules.js";
import { type NetworkAccess, networkScope } from "../network/network-access.js";
import type { Logger, ResolvedOptions } from "../options.js";
import { pluginResponseHeaders } from "./canonical-headers.js";
import { describeFailure, exchange, type ExchangePolicy, HttpExchangeFailure } from "./http-exchange.js";
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
  void loadUndici();
  const unloaded = new AbortController();
  const policy: ExchangePolicy = {
    network,
    scopeOf: () => scope,
    maxRedirects: limits.maxRedirects,
    maxResponseBytes: limits.maxResponseBytes,
  };

  function timeoutOf(requested: number): number {
    return requested > 0 ? Math.min(requested, limits.maxTimeoutMs) : limits.defaultTimeoutMs;
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
    const signals = [unloaded.signal, ...(options.signal ? [options.signal] : [])];
    const body = METHODS_WITHOUT_BODY.has(method) ? undefined : req.body;
    try {
      const hop = { url, method, body, headers: { ...req.headers } };
      const answer = await exchange(hop, policy, timeoutOf(req.timeoutMs), signals);
      return { status: answer.status, headers: pluginResponseHeaders(answer.headers), body: answer.body, error: "" };
    } catch (error) {
      return failure(error instanceof HttpExchangeFailure ? error.message : describeFailure(error));
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
