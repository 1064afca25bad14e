import { localAddressCategory } from "../network/address-policy.js";
import { localNetworkRefusal } from "../network/dns.js";
import type { WebSocketConnector } from "../options.js";

/**
 * Wraps the host's `createConnection` so the local-network rule still holds for the plugin's own host
 * name: when the socket resolves that name itself (not through nd's lookup) to a local address, it is
 * destroyed before connecting. Connecting elsewhere (a test upstream) is the host's choice.
 */
export function guardedConnector(connector: WebSocketConnector, hostname: string): WebSocketConnector {
  return (options) => {
    const socket = connector(options);
    socket.on("lookup", (error: Error | null, address: string, _family: unknown, host: string) => {
      const category = error || host !== hostname ? undefined : localAddressCategory(address);
      if (category) socket.destroy(localNetworkRefusal(hostname, address, category));
    });
    return socket;
  };
}
