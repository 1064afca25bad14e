import type { RequiredHostsPermission } from "@nd/manifest";
import { NetworkRefusedError } from "../errors.js";
import type { ResolvedOptions } from "../options.js";
import type { WebSocketRules } from "../websocket/websocket-service.js";
import { compileRequiredHosts, NO_HOST, patternHostname } from "./required-hosts.js";

/** v0.63's handshake deadline. */
const HANDSHAKE_TIMEOUT_MS = 30_000;
/** Peer closes v0.63's read loop reports as OnClose; any other end is an OnError. */
const NORMAL_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001, 1005]);

/**
 * Generation 2 (Navidrome v0.63): the host must match `requiredHosts` (none: every connection is
 * refused); a local address only for a host a pattern other than `*` names (nd's rule).
 */
export function webSocketRulesV063(
  pluginId: string,
  permission: RequiredHostsPermission,
  limits: ResolvedOptions["websocket"],
): WebSocketRules {
  const verdictOf = compileRequiredHosts(permission.requiredHosts, "navidrome", NO_HOST);
  return {
    scopeOf(url) {
      const hostname = patternHostname(url);
      const verdict = verdictOf(hostname);
      if (!verdict.allowed) {
        throw new NetworkRefusedError(`${hostname} is not in plugin "${pluginId}" permissions.websocket.requiredHosts`);
      }
      return {
        allowLocalNetwork: verdict.mayBeLocal,
        allowList: undefined,
        schemes: ["ws", "wss"],
        hostConnects: limits.createConnection !== undefined,
      };
    },
    peerCloseCodes: NORMAL_CLOSE_CODES,
    closeDeliveredInCall: true,
    notFound: (id) => `connection ID "${id}" not found`,
    handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  };
}
