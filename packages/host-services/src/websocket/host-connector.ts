import { localAddressCategory } from "../network/address-policy.js";
import { refuseLocalConnection } from "../network/connected-address-guard.js";
import { localNetworkRefusal } from "../network/dns.js";
import type { WebSocketConnector } from "../options.js";

/**
 * Wraps the host's `createConnection` so the local-network rule still holds for the plugin's own host
 * name when the socket resolves that name itself (not through nd's lookup). The address actually
 * connected to is checked before anything is written (the first `connect` listener, ahead of the
 * handshake's own); a lookup seen answering a local address refuses even earlier. A lookup that
 * answers synchronously emits its event before this wrapper can listen, so only the connect-time
 * check sees it. Connecting elsewhere (a test upstream) is the host's choice.
 */
export function guardedConnector(connector: WebSocketConnector, hostname: string): WebSocketConnector {
  return (options) => {
    const socket = connector(options);
    socket.on("lookup", (error: Error | null, address: string, _family: unknown, host: string) => {
      const category = error || host !== hostname ? undefined : localAddressCategory(address);
      if (category) socket.destroy(localNetworkRefusal(hostname, address, category));
    });
    if (socket.connecting) socket.prependOnceListener("connect", () => refuseLocalConnection(socket, hostname));
    else refuseLocalConnection(socket, hostname);
    return socket;
  };
}
