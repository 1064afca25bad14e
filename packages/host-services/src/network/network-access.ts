import type { LookupFunction } from "node:net";
import type { Agent, Dispatcher } from "undici";
import { NetworkRefusedError } from "../errors.js";
import { undiciLoaded } from "../lazy-modules.js";
import type { Logger } from "../options.js";
import { localAddressCategory } from "./address-policy.js";
import type { AllowList, CompiledAllowList, HttpMethod } from "./allow-list.js";
import { ConnectedAddressGuard } from "./connected-address-guard.js";
import { createCheckedLookup, type DnsLookup, localNetworkRefusal, resolveChecked } from "./dns.js";
import { decodedPath } from "./encoded-traversal.js";
import { nodeNet } from "../node-builtins.js";

/** How one plugin may reach the network (from its http or websocket permission). */
export interface NetworkScope {
  readonly allowLocalNetwork: boolean;
  readonly allowList: AllowList | undefined;
  readonly schemes: readonly string[];
  /** The host connects instead of nd (an http dispatcher, a websocket createConnection). */
  readonly hostConnects: boolean;
}

/** The scope of a permission; patterns that can never match are logged once, as warnings. */
export function networkScope(
  where: string,
  scope: Omit<NetworkScope, "allowList"> & { compiled: CompiledAllowList | undefined },
  logger: Logger,
): NetworkScope {
  const { compiled, ...rest } = scope;
  for (const { source, problem } of compiled?.unusable ?? []) {
    logger.warn(`${where}: the pattern "${source}" can never match: ${problem}`);
  }
  return { ...rest, allowList: compiled?.allows };
}

/**
 * Host-wide network plumbing shared by the http and websocket services: one undici Agent per
 * local-network policy, each connecting only through the checked lookup.
 */
export class NetworkAccess {
  private readonly agents = new Map<boolean, Agent>();
  private readonly guard = new ConnectedAddressGuard();

  constructor(
    private readonly dnsLookup: DnsLookup,
    private readonly hostDispatcher: Dispatcher | undefined,
  ) {}

  get hasHostDispatcher(): boolean {
    return this.hostDispatcher !== undefined;
  }

  /** The dispatcher for a policy; undici must be loaded (`loadUndici()`). */
  dispatcher(allowLocalNetwork: boolean): Dispatcher {
    if (this.hostDispatcher) return this.hostDispatcher;
    let agent = this.agents.get(allowLocalNetwork);
    if (!agent) {
      agent = new (undiciLoaded().Agent)({ connect: { lookup: this.lookup(allowLocalNetwork) } });
      this.agents.set(allowLocalNetwork, agent);
    }
    return agent;
  }

  lookup(allowLocalNetwork: boolean): LookupFunction {
    return createCheckedLookup(allowLocalNetwork, this.dnsLookup);
  }

  /**
   * Sends one request through `dispatcher(...)`. With a host dispatcher, the address it actually
   * connects to is checked too (see ConnectedAddressGuard); nd's own Agent checks it in its lookup.
   */
  send<T>(url: URL, scope: NetworkScope, request: () => Promise<T>): Promise<T> {
    if (!scope.hostConnects || scope.allowLocalNetwork) return request();
    return this.guard.around(url.hostname, request);
  }

  /**
   * Checks a URL before connecting: scheme, allow-list and IP literals (a socket never looks those
   * up, so the connect-time check cannot see them). With a host's own connecting (an http dispatcher, a
   * websocket createConnection) the name is also resolved and checked here.
   */
  async check(url: URL, scope: NetworkScope, method?: HttpMethod): Promise<void> {
    const scheme = url.protocol.slice(0, -1);
    if (!scope.schemes.includes(scheme)) {
      const allowed = scope.schemes.join(" or ");
      throw new NetworkRefusedError(`${url.href}: scheme "${scheme}" is not allowed; use ${allowed}`);
    }
    if (scope.allowList && decodedPath(url.pathname) === undefined) {
      throw new NetworkRefusedError(`${url.href}: the path hides "/", "\\", "." or ".." behind percent-encoding`);
    }
    if (scope.allowList && !scope.allowList(url, method)) {
      const what = method ? `${method} ${url.href}` : url.href;
      throw new NetworkRefusedError(`${what} is not in the permission's allowedUrls`);
    }
    if (scope.allowLocalNetwork) return;
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (nodeNet().isIP(host) !== 0) {
      const category = localAddressCategory(host);
      if (category) throw localNetworkRefusal(host, host, category);
    } else if (scope.hostConnects) {
      await resolveChecked(host, false, this.dnsLookup);
    }
  }

  async close(): Promise<void> {
    this.guard.close();
    const agents = [...this.agents.values()];
    this.agents.clear();
    // Destroyed, not closed: closing would wait for requests in flight, an upload to a slow reader say.
    await Promise.all(agents.map((agent) => agent.destroy(new Error("the host services are closed"))));
  }
}
