import { isIP, type LookupFunction } from "node:net";
import { Agent, type Dispatcher } from "undici";
import { NetworkRefusedError } from "../errors.js";
import { localAddressCategory } from "./address-policy.js";
import type { AllowList, HttpMethod } from "./allow-list.js";
import { createCheckedLookup, type DnsLookup, localNetworkRefusal, resolveChecked } from "./dns.js";

/** How one plugin may reach the network (from its http or websocket permission). */
export interface NetworkScope {
  readonly allowLocalNetwork: boolean;
  readonly allowList: AllowList | undefined;
  readonly schemes: readonly string[];
}

/**
 * Host-wide network plumbing shared by the http and websocket services: one undici Agent per
 * local-network policy, each connecting only through the checked lookup.
 */
export class NetworkAccess {
  private readonly agents = new Map<boolean, Agent>();

  constructor(
    private readonly dnsLookup: DnsLookup,
    private readonly hostDispatcher: Dispatcher | undefined,
  ) {}

  dispatcher(allowLocalNetwork: boolean): Dispatcher {
    if (this.hostDispatcher) return this.hostDispatcher;
    let agent = this.agents.get(allowLocalNetwork);
    if (!agent) {
      agent = new Agent({ connect: { lookup: this.lookup(allowLocalNetwork) } });
      this.agents.set(allowLocalNetwork, agent);
    }
    return agent;
  }

  lookup(allowLocalNetwork: boolean): LookupFunction {
    return createCheckedLookup(allowLocalNetwork, this.dnsLookup);
  }

  /**
   * Checks a URL before connecting: scheme, allow-list and IP literals (a socket never looks those
   * up, so the connect-time check cannot see them). With a host dispatcher (a proxy, say) the
   * connect-time lookup is not ours, so the name is resolved and checked here instead.
   */
  async check(url: URL, scope: NetworkScope, method?: HttpMethod): Promise<void> {
    const scheme = url.protocol.slice(0, -1);
    if (!scope.schemes.includes(scheme)) {
      const allowed = scope.schemes.join(" or ");
      throw new NetworkRefusedError(`${url.href}: scheme "${scheme}" is not allowed; use ${allowed}`);
    }
    if (scope.allowList && !scope.allowList(url, method)) {
      const what = method ? `${method} ${url.href}` : url.href;
      throw new NetworkRefusedError(`${what} is not in the permission's allowedUrls`);
    }
    if (scope.allowLocalNetwork) return;
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (isIP(host) !== 0) {
      const category = localAddressCategory(host);
      if (category) throw localNetworkRefusal(host, host, category);
    } else if (this.hostDispatcher) {
      await resolveChecked(host, false, this.dnsLookup);
    }
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((agent) => agent.close()));
  }
}
