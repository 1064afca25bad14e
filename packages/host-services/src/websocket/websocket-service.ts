import type { ClientRequestArgs } from "node:http";
import type { WebSocketPermission } from "@nd/manifest";
import type { ClientOptions, RawData, WebSocket } from "ws";
import type { HostCallOptions } from "../host-call-options.js";
import { loadWs } from "../lazy-modules.js";
import { compileWebSocketAllowList } from "../network/allow-list.js";
import { type NetworkAccess, type NetworkScope, networkScope } from "../network/network-access.js";
import type { Logger, ResolvedOptions } from "../options.js";
import { goCloseErrorText } from "./close-text.js";
import { guardedConnector } from "./host-connector.js";
import { InboundBudget, InboundQueue } from "./inbound-queue.js";
import type * as Messages from "../messages.js";
import { nodeCrypto } from "../node-builtins.js";

/** WebSocketService: client connections whose events go to the plugin's WebSocketCallback. */
export interface WebSocketService {
  /** Opens a connection; aborting `options.signal` during the handshake cuts it and answers an error. */
  connect(request: Partial<Messages.ConnectRequest>, options?: HostCallOptions): Promise<Messages.ConnectResponse>;
  sendText(request: Partial<Messages.SendTextRequest>): Promise<Messages.SendTextResponse>;
  sendBinary(request: Partial<Messages.SendBinaryRequest>): Promise<Messages.SendBinaryResponse>;
  /**
   * Starts the closing handshake; the plugin's OnClose follows when it completes. A close the
   * plugin did not ask for reaches it as OnError instead, as in Navidrome.
   */
  close(request: Partial<Messages.CloseRequest>): Promise<Messages.CloseResponse>;
  /** Not a wire function: the ids of the plugin's open (or opening) connections. */
  connectionIds(): string[];
  /** Not a wire function: messages of a connection waiting for the plugin, their bytes, and whether reading is paused. */
  inbound(connectionId: string): { waitingMessages: number; waitingBytes: number; paused: boolean } | undefined;
}

export interface ClosableWebSocketService extends WebSocketService {
  /** Closes every connection (code 1001) without delivering further events; later connects are refused. */
  closeAll(): Promise<void>;
}

/** Where a connection's events go: the WebSocketCallback half of PluginCallbacks. */
export interface WebSocketCallbacks {
  onTextMessage?(request: Messages.OnTextMessageRequest): Promise<void>;
  onBinaryMessage?(request: Messages.OnBinaryMessageRequest): Promise<void>;
  onError?(request: Messages.OnErrorRequest): Promise<void>;
  onClose?(request: Messages.OnCloseRequest): Promise<void>;
}

interface Connection {
  readonly id: string;
  readonly socket: WebSocket;
  readonly events: InboundQueue;
  open: boolean;
  // Set when a message went past an inbound bound: the connection is being cut, later messages are dropped.
  overflowed: boolean;
  // Set on unload: the plugin is gone, so nothing more is delivered to it.
  detached: boolean;
  // The plugin called close(): its end is an OnClose. Any other end is one OnError.
  closeRequested: boolean;
  errorDelivered: boolean;
}

/** What differs between the generations' websocket services. */
export interface WebSocketRules {
  /** The network scope of a URL; throws NetworkRefusedError to refuse it outright. */
  scopeOf(url: URL): NetworkScope;
  /** Close codes from the peer that reach the plugin as OnClose; any other end is one OnError. */
  readonly peerCloseCodes: ReadonlySet<number>;
  /** The plugin's own close delivers OnClose (its code and reason) before close() answers, as v0.63; else when the handshake ends. */
  readonly closeDeliveredInCall: boolean;
  notFound(id: string): string;
  readonly handshakeTimeoutMs: number;
}

/** Generation 1 (Navidrome v0.57): `allowedUrls` and `allowLocalNetwork`; a close the plugin did not ask for is an OnError. */
export function webSocketRulesV057(
  pluginName: string,
  permission: WebSocketPermission,
  network: NetworkAccess,
  limits: ResolvedOptions["websocket"],
  logger: Logger,
): WebSocketRules {
  const where = `plugin "${pluginName}" permissions.websocket.allowedUrls`;
  const scope = networkScope(
    where,
    {
      allowLocalNetwork: permission.allowLocalNetwork === true,
      compiled: compileWebSocketAllowList(permission.allowedUrls, where),
      schemes: ["ws", "wss"],
      hostConnects: limits.createConnection !== undefined,
    },
    logger,
  );
  return {
    scopeOf: () => scope,
    peerCloseCodes: new Set(),
    closeDeliveredInCall: false,
    notFound: (id) => `connection not found: no open connection with id "${id}"`,
    handshakeTimeoutMs: limits.handshakeTimeoutMs,
  };
}

// How long an unloading plugin's sockets get to finish the closing handshake before being cut.
const UNLOAD_CLOSE_GRACE_MS = 1000;

const asBuffer = (data: RawData): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Resolves when the handshake ends: with nothing when the socket opened, with why it did not otherwise. */
function waitForOpen(socket: WebSocket, signal: AbortSignal | undefined): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const aborted = () => {
      resolve(new Error(`handshake aborted: ${messageOf(signal!.reason)}`));
      socket.terminate();
    };
    if (signal?.aborted) return aborted();
    signal?.addEventListener("abort", aborted, { once: true });
    const settle = (outcome: Error | undefined) => {
      signal?.removeEventListener("abort", aborted);
      resolve(outcome);
    };
    socket.once("open", () => settle(undefined));
    socket.once("error", (error) => settle(error));
    socket.once("close", (code) => settle(new Error(`closed during the opening handshake (code ${code})`)));
  });
}

function closeGracefully(socket: WebSocket): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const cut = setTimeout(() => socket.terminate(), UNLOAD_CLOSE_GRACE_MS);
    cut.unref();
    socket.once("close", () => {
      clearTimeout(cut);
      resolve();
    });
    socket.close(1001, "plugin unloaded");
  });
}

export function createWebSocketService(
  pluginName: string,
  rules: WebSocketRules,
  callbacks: WebSocketCallbacks,
  network: NetworkAccess,
  limits: ResolvedOptions["websocket"],
  logger: Logger,
): ClosableWebSocketService {
  const hostConnector = limits.createConnection;
  const ws = loadWs();
  const connections = new Map<string, Connection>();
  const inboundBudget = new InboundBudget(limits);
  let closed = false;

  function deliver(connection: Connection, event: () => Promise<void> | undefined): void {
    if (connection.detached || !connection.open) return;
    connection.events.push(async () => {
      if (!connection.detached) await event();
    });
  }

  /** Past an inbound bound: the plugin is told why (OnError), then the connection is cut (OnClose, code 1006). */
  function cutOverflowing(connection: Connection, why: string): void {
    connection.overflowed = true;
    connection.errorDelivered = true;
    const { id: connectionId, socket } = connection;
    deliver(connection, () => callbacks.onError?.({ connectionId, error: `connection closed: ${why}` }));
    logger.warn("websocket connection closed: inbound messages past a bound", { plugin: pluginName, connectionId, why });
    socket.terminate();
  }

  function watch(connection: Connection): void {
    const { id: connectionId, socket } = connection;
    // Set in the event itself, not after `connect` resumes, so a message right behind the handshake is kept.
    socket.once("open", () => (connection.open = true));
    socket.on("message", (data, isBinary) => {
      if (connection.overflowed || connection.detached || !connection.open) return;
      const bytes = asBuffer(data);
      const refused = connection.events.pushMessage(bytes.byteLength, async () => {
        if (connection.detached) return;
        await (isBinary
          ? callbacks.onBinaryMessage?.({ connectionId, data: bytes })
          : callbacks.onTextMessage?.({ connectionId, message: bytes.toString("utf8") }));
      });
      if (refused) cutOverflowing(connection, refused);
    });
    const deliverError = (error: string) => {
      connection.errorDelivered = true;
      deliver(connection, () => callbacks.onError?.({ connectionId, error }));
    };
    socket.on("error", (error) => deliverError(error.message));
    socket.on("close", (code, reasonBytes) => {
      if (connections.get(connectionId) === connection) connections.delete(connectionId);
      connection.events.detach();
      const reason = reasonBytes.toString("utf8");
      const closes = connection.closeRequested || (rules.peerCloseCodes.has(code) && !connection.errorDelivered);
      if (closes) deliver(connection, () => callbacks.onClose?.({ connectionId, code, reason }));
      // As Navidrome's read loop: any other end is an error, reported once.
      else if (!connection.errorDelivered) deliverError(goCloseErrorText(code, reason));
    });
  }

  function refusal(id: string): string | undefined {
    if (closed) return "the websocket service of this plugin is closed";
    if (connections.has(id)) return `connection id "${id}" is already in use`;
    if (connections.size >= limits.maxConnectionsPerPlugin) {
      return `plugin "${pluginName}" already has ${limits.maxConnectionsPerPlugin} connections, the most allowed`;
    }
    return undefined;
  }

  async function connect(
    input: Partial<Messages.ConnectRequest>,
    { signal }: HostCallOptions = {},
  ): Promise<Messages.ConnectResponse> {
    const id = input.connectionId || nodeCrypto().randomUUID();
    const failure = (reason: string): Messages.ConnectResponse => ({
      connectionId: "",
      error: `connect ${input.url ?? ""}: ${reason}`,
    });
    let url: URL;
    let scope: NetworkScope;
    try {
      url = new URL(input.url ?? "");
      scope = rules.scopeOf(url);
      await network.check(url, scope);
    } catch (error) {
      return failure(error instanceof TypeError ? "not a valid absolute URL" : messageOf(error));
    }
    // Before the checks of the limits: nothing may change between them and the new socket.
    const { WebSocket: Socket } = await ws;
    const refused = refusal(id);
    if (refused) return failure(refused);
    const options: ClientOptions & ClientRequestArgs = {
      headers: { ...input.headers },
      lookup: network.lookup(scope.allowLocalNetwork),
      followRedirects: false,
      maxPayload: limits.maxMessageBytes,
      handshakeTimeout: rules.handshakeTimeoutMs,
    };
    if (hostConnector) {
      const connector = scope.allowLocalNetwork ? hostConnector : guardedConnector(hostConnector, url.hostname);
      // ws only ever calls it with an options object, the one overload a WebSocketConnector takes.
      options.createConnection = connector as unknown as typeof options.createConnection;
    }
    let socket: WebSocket;
    try {
      socket = new Socket(url, options);
    } catch (error) {
      return failure(messageOf(error));
    }
    const connection: Connection = {
      id,
      socket,
      events: new InboundQueue(socket, inboundBudget, (error) =>
        logger.error("websocket callback failed", { plugin: pluginName, connectionId: id, error: messageOf(error) }),
      ),
      open: false,
      overflowed: false,
      detached: false,
      closeRequested: false,
      errorDelivered: false,
    };
    connections.set(id, connection);
    watch(connection);
    const handshakeError = await waitForOpen(socket, signal);
    if (handshakeError || closed) {
      if (connections.get(id) === connection) connections.delete(id);
      socket.terminate();
      return failure(handshakeError ? messageOf(handshakeError) : "the websocket service of this plugin is closed");
    }
    return { connectionId: id, error: "" };
  }

  function openConnection(id: string | undefined): Connection | string {
    const connection = connections.get(id ?? "");
    if (!connection || !connection.open) return rules.notFound(id ?? "");
    if (connection.socket.readyState !== connection.socket.OPEN) return `connection "${id}" is closing`;
    return connection;
  }

  async function send(id: string | undefined, data: string | Uint8Array, binary: boolean): Promise<{ error: string }> {
    const connection = openConnection(id);
    if (typeof connection === "string") return { error: connection };
    const size = typeof data === "string" ? Buffer.byteLength(data, "utf8") : data.byteLength;
    if (size > limits.maxMessageBytes) {
      return { error: `message of ${size} bytes is larger than the limit of ${limits.maxMessageBytes} bytes` };
    }
    const sendError = await new Promise<Error | undefined>((resolve) =>
      connection.socket.send(data, { binary }, (error) => resolve(error ?? undefined)),
    );
    return { error: sendError ? `send on "${id}": ${sendError.message}` : "" };
  }

  async function close(input: Partial<Messages.CloseRequest>): Promise<Messages.CloseResponse> {
    const connection = openConnection(input.connectionId);
    if (typeof connection === "string") return { error: connection };
    const code = input.code || 1000;
    const reason = input.reason ?? "";
    try {
      connection.socket.close(code, reason);
    } catch (error) {
      return { error: `close "${connection.id}": ${messageOf(error)}` };
    }
    if (!rules.closeDeliveredInCall) {
      connection.closeRequested = true;
      return { error: "" };
    }
    // v0.63: the plugin's OnClose runs inside this call, with its own code and reason; nothing follows it.
    connection.detached = true;
    connections.delete(connection.id);
    try {
      await callbacks.onClose?.({ connectionId: connection.id, code, reason });
    } catch (error) {
      logger.error("websocket callback failed", { plugin: pluginName, connectionId: connection.id, error: messageOf(error) });
    }
    return { error: "" };
  }

  return {
    connect,
    sendText: (input) => send(input.connectionId, input.message ?? "", false),
    sendBinary: (input) => send(input.connectionId, input.data ?? new Uint8Array(), true),
    close,
    connectionIds: () => [...connections.keys()],
    inbound(connectionId) {
      const connection = connections.get(connectionId);
      if (!connection) return undefined;
      const { messages, bytes } = connection.events.waiting;
      return { waitingMessages: messages, waitingBytes: bytes, paused: connection.socket.isPaused };
    },
    async closeAll() {
      closed = true;
      const closing = [...connections.values()].map((connection) => {
        connection.detached = true;
        // A paused socket would not read the server's answer to the closing handshake.
        connection.socket.resume();
        return closeGracefully(connection.socket);
      });
      connections.clear();
      await Promise.all(closing);
    },
  };
}
