import type { RequiredHostsPermission } from "@nd/manifest";
import { NetworkRefusedError } from "../errors.js";
import { exchange, type ExchangeAnswer, type ExchangePolicy, type Hop } from "../http/http-exchange.js";
import { loadUndici } from "../lazy-modules.js";
import type { NetworkAccess, NetworkScope } from "../network/network-access.js";
import type { ResolvedOptions } from "../options.js";
import {
  ANY_PUBLIC_HOST,
  compileRequiredHosts,
  type HostPatternStyle,
  type HostVerdict,
  NO_HOST,
  patternHostname,
} from "./required-hosts.js";

/** v0.63 follows up to 5 redirects, then answers the last redirect response. */
const MAX_REDIRECTS = 5;
/** Extism's limit of a kernel http_request body. */
const KERNEL_MAX_RESPONSE_BYTES = 50 * 1024 * 1024;

export interface Gen2HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  followRedirects: boolean;
  /** http_send's timeoutMs; 0: the default. The kernel path ignores it. */
  timeoutMs: number;
}

/** A generation-2 plugin's outgoing HTTP: http_send and the kernel's http_request, over generation 1's exchange. */
export interface Gen2Http {
  /** Throws HttpExchangeFailure when no response could be had (refused included). */
  send(request: Gen2HttpRequest, signal: AbortSignal | undefined): Promise<ExchangeAnswer>;
  /** The kernel path: Extism's host rule (no requiredHosts: nothing allowed) and its 50 MiB body limit. */
  kernelSend(request: Gen2HttpRequest, signal: AbortSignal | undefined): Promise<ExchangeAnswer>;
  /** Ends every request in flight (unload). */
  abortAll(): void;
}

export function createGen2Http(
  pluginId: string,
  permission: RequiredHostsPermission,
  network: NetworkAccess,
  limits: ResolvedOptions["http"],
): Gen2Http {
  void loadUndici();
  const unloaded = new AbortController();

  function policy(style: HostPatternStyle, whenEmpty: HostVerdict, maxResponseBytes: number) {
    const verdictOf = compileRequiredHosts(permission.requiredHosts, style, whenEmpty);
    return (followRedirects: boolean): ExchangePolicy => ({
      network,
      maxResponseBytes,
      maxRedirects: followRedirects ? MAX_REDIRECTS : 0,
      scopeOf(url): NetworkScope {
        const hostname = patternHostname(url);
        const verdict = verdictOf(hostname);
        if (!verdict.allowed) {
          throw new NetworkRefusedError(`${hostname} is not in plugin "${pluginId}" permissions.http.requiredHosts`);
        }
        return {
          allowLocalNetwork: verdict.mayBeLocal,
          allowList: undefined,
          schemes: ["http", "https"],
          hostConnects: network.hasHostDispatcher,
        };
      },
    });
  }

  const sendPolicy = policy("navidrome", ANY_PUBLIC_HOST, limits.maxResponseBytes);
  const kernelPolicy = policy("glob", NO_HOST, KERNEL_MAX_RESPONSE_BYTES);

  function run(request: Gen2HttpRequest, chosen: ExchangePolicy, timeoutMs: number, signal: AbortSignal | undefined) {
    const hop: Hop = { url: request.url, method: request.method, headers: request.headers, body: request.body };
    return exchange(hop, chosen, timeoutMs, signal ? [unloaded.signal, signal] : [unloaded.signal]);
  }

  return {
    send(request, signal) {
      const requested = request.timeoutMs;
      const timeoutMs = requested > 0 ? Math.min(requested, limits.maxTimeoutMs) : limits.defaultTimeoutMs;
      return run(request, sendPolicy(request.followRedirects), timeoutMs, signal);
    },
    // Extism's request has no timeout of its own: the plugin call's deadline (signal) and nd's upper bound.
    kernelSend: (request, signal) => run(request, kernelPolicy(request.followRedirects), limits.maxTimeoutMs, signal),
    abortAll: () => unloaded.abort(new Error(`the services of plugin "${pluginId}" are closed`)),
  };
}
