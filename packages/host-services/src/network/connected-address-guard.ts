import type { Socket } from "node:net";
import { localAddressCategory } from "./address-policy.js";
import { localNetworkRefusal } from "./dns.js";
import { nodeDiagnostics } from "../node-builtins.js";

// `_host` is the name net.Socket#connect looked up itself (null for an IP address or a wrapped
// socket); the rebinding tests in test/http.test.ts and test/websocket.test.ts fail if Node ever
// stops setting it.
type LookingUpSocket = Socket & { _host?: string | null };

interface SendHeadersMessage {
  request: { origin?: string | URL };
  socket: LookingUpSocket;
}

const SEND_HEADERS = "undici:client:sendHeaders";

function hostnameOf(origin: string | URL | undefined): string | undefined {
  if (origin === undefined) return undefined;
  try {
    return new URL(origin).hostname;
  } catch {
    return undefined;
  }
}

/**
 * When `socket` looked `hostname` up itself and is connected to a local address, destroys it with
 * the local-network refusal. It reads the address actually connected to, so it holds whatever the
 * lookup did (answered synchronously, asynchronously, or differently each time).
 */
export function refuseLocalConnection(socket: LookingUpSocket, hostname: string): void {
  const address = socket.remoteAddress;
  if (socket._host !== hostname || address === undefined) return;
  const category = localAddressCategory(address);
  if (category) socket.destroy(localNetworkRefusal(hostname, address, category));
}

/**
 * With a host's own dispatcher, the connection is not made through nd's checked lookup, so a name can
 * resolve to a public address for nd's check and to a local one when the dispatcher connects. This
 * guard looks at the socket of every request the dispatcher sends to a host name a plugin without
 * `allowLocalNetwork` is asking for: when that socket looked the name up itself and reached a local
 * address, it is destroyed before the request is written. A dispatcher that connects elsewhere (a test
 * upstream, a proxy, a tunnel) made the host's own routing choice and is not checked.
 */
export class ConnectedAddressGuard {
  private readonly guarded = new Map<string, number>();
  private subscribed = false;
  private readonly onSendHeaders = (message: unknown): void => {
    const { request, socket } = message as SendHeadersMessage;
    const hostname = hostnameOf(request.origin);
    if (hostname !== undefined && this.guarded.has(hostname)) refuseLocalConnection(socket, hostname);
  };

  /** Runs `send` with `hostname` guarded. */
  async around<T>(hostname: string, send: () => Promise<T>): Promise<T> {
    this.enter(hostname);
    try {
      return await send();
    } finally {
      this.leave(hostname);
    }
  }

  close(): void {
    if (this.subscribed) nodeDiagnostics().unsubscribe(SEND_HEADERS, this.onSendHeaders);
    this.subscribed = false;
    this.guarded.clear();
  }

  private enter(hostname: string): void {
    if (!this.subscribed) nodeDiagnostics().subscribe(SEND_HEADERS, this.onSendHeaders);
    this.subscribed = true;
    this.guarded.set(hostname, (this.guarded.get(hostname) ?? 0) + 1);
  }

  private leave(hostname: string): void {
    const count = (this.guarded.get(hostname) ?? 1) - 1;
    if (count > 0) this.guarded.set(hostname, count);
    else this.guarded.delete(hostname);
  }
}
