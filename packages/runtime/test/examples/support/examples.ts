import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { PluginManager, type PluginManagerOptions } from "@nd/runtime";
import { goAvailableFor, temporaryFolder } from "@nd/testing";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { memoryLogger } from "../../support/wat-plugins.js";

const EXAMPLES = join(__dirname, "../../../../../examples");

/** One request the fake upstream received. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query, decoded: `/ws/2/artist?fmt=json&query=artist:"Nina Simone"`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Answer {
  readonly status?: number;
  /** Sent as JSON unless it is already a string. */
  readonly body?: unknown;
}

export type Route = (request: SeenRequest) => Answer | undefined;

export interface FakeUpstream {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for a public API: `route` picks
 * each answer; a request it does not answer gets a 404.
 */
export async function fakeUpstream(route: Route): Promise<FakeUpstream> {
  const requests: SeenRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const url = new URL(incoming.url ?? "/", "http://127.0.0.1");
      const seen: SeenRequest = {
        method: incoming.method ?? "",
        path: decodeURIComponent(url.pathname + url.search),
        query: url.searchParams,
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(seen);
      const answer = route(seen) ?? { status: 404, body: { error: "Not Found" } };
      const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? {});
      response.writeHead(answer.status ?? 200, { "content-type": "application/json" });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A plugins folder holding one built example: its plugin.wasm and its
 * manifest.json, with `permissions` merged over the manifest's own, so a test
 * can let the plugin reach the fake servers on 127.0.0.1.
 */
/** Whether examples/<example> was built: a Go example is only when the build had a Go compiler. */
export function exampleBuilt(example: string): boolean {
  return !example.startsWith("go-") || goAvailableFor(`the tests of examples/${example}`);
}

export function examplePluginsFolder(example: string, permissions: Record<string, unknown>): string {
  const root = temporaryFolder(`nd-${example}-`);
  const folder = join(root, example);
  mkdirSync(folder);
  copyFileSync(join(EXAMPLES, example, "plugin.wasm"), join(folder, "plugin.wasm"));
  const manifest = JSON.parse(readFileSync(join(EXAMPLES, example, "manifest.json"), "utf8"));
  manifest.permissions = { ...manifest.permissions, ...permissions };
  writeFileSync(join(folder, "manifest.json"), JSON.stringify(manifest, null, 2));
  return root;
}

/** An http permission granting `methods` on the whole fake server (which listens on loopback). */
export function localHttp(upstream: FakeUpstream, methods: string[] = ["GET"]) {
  return { allowLocalNetwork: true, allowedUrls: { [`${upstream.url}/*`]: methods } };
}

/** Starts a PluginManager whose log lines are kept for assertions; `stop` closes every one started. */
export function managers() {
  const started: PluginManager[] = [];
  return {
    async start(options: PluginManagerOptions) {
      const { logger, lines } = memoryLogger();
      const manager = new PluginManager({ workers: 1, callTimeoutMs: 15_000, logger, ...options });
      started.push(manager);
      await manager.start();
      return { manager, lines };
    },
    stop: () => Promise.all(started.splice(0).map((manager) => manager.close())),
  };
}

/** One client connected to the fake WebSocket server, with what it sent, in order. */
export interface FakeClient {
  readonly socket: WebSocket;
  /** The next text the client sends (binary frames arrive as `<binary n bytes>`). */
  next(): Promise<string>;
  /** Resolves when the connection is closed, from either side. */
  readonly closed: Promise<void>;
}

export interface FakeWebSocketServer {
  /** `ws://127.0.0.1:<port>/live`. */
  readonly url: string;
  readonly port: number;
  /** Every connection accepted so far. */
  readonly clients: FakeClient[];
  /** The next connection not yet handed out by this method (an earlier one is handed out first). */
  nextClient(): Promise<FakeClient>;
  close(): Promise<void>;
}

/** A waiting line: `take` answers what was put first, waiting for it if need be. */
function queue<T>() {
  const items: T[] = [];
  const waiters: Array<(item: T) => void> = [];
  return {
    put(item: T) {
      const waiter = waiters.shift();
      if (waiter) waiter(item);
      else items.push(item);
    },
    take: () => (items.length > 0 ? Promise.resolve(items.shift()!) : new Promise<T>((resolve) => waiters.push(resolve))),
  };
}

function describeFrame(data: RawData, isBinary: boolean): string {
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  return isBinary ? `<binary ${bytes.length} bytes>` : bytes.toString("utf8");
}

/** A real WebSocket server on 127.0.0.1 (package `ws`), standing in for a live-events server. */
export async function fakeWebSocketServer(port = 0): Promise<FakeWebSocketServer> {
  const server = new WebSocketServer({ host: "127.0.0.1", port });
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  const clients: FakeClient[] = [];
  const arrivals = queue<FakeClient>();
  server.on("connection", (socket) => {
    const received = queue<string>();
    socket.on("message", (data, isBinary) => received.put(describeFrame(data, isBinary)));
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    const client = { socket, next: received.take, closed };
    clients.push(client);
    arrivals.put(client);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${bound}/live`,
    port: bound,
    clients,
    nextClient: arrivals.take,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** Rejects with `what` if `promise` has not settled in `ms`: an upper bound so a test fails with a reason instead of hanging. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
