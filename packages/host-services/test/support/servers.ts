import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface TestServer {
  /** e.g. "http://127.0.0.1:41234" */
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * An HTTP server on 127.0.0.1 with the routes the tests need:
 * /echo (answers JSON of the request), /status/<n>, /redirect?to=<url>&status=<n>,
 * /hang (never answers), /bytes/<n> (a body of n bytes, streamed), /chunked-forever.
 */
export async function startHttpServer(): Promise<TestServer & { requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://test");
    const body = await readBody(request);
    requests.push({ method: request.method ?? "", path: url.pathname + url.search, headers: request.headers, body });
    const [, route = "", arg = ""] = url.pathname.split("/");
    switch (route) {
      case "echo":
        response.setHeader("content-type", "application/json");
        response.setHeader("set-cookie", ["a=1", "b=2"]);
        response.setHeader("x-test", ["first", "second"]);
        response.end(JSON.stringify({ method: request.method, path: url.pathname, headers: request.headers, body }));
        return;
      case "status":
        response.statusCode = Number(arg);
        response.end(`status ${arg}`);
        return;
      case "redirect":
        response.statusCode = Number(url.searchParams.get("status") ?? 302);
        response.setHeader("location", url.searchParams.get("to") ?? "/echo");
        response.end();
        return;
      case "hang":
        return;
      case "bytes":
        response.setHeader("content-type", "application/octet-stream");
        response.end(Buffer.alloc(Number(arg), 0x61));
        return;
      case "chunked-forever": {
        const chunk = Buffer.alloc(64 * 1024, 0x62);
        const pump = (): void => {
          while (!response.destroyed && response.write(chunk));
          if (!response.destroyed) response.once("drain", pump);
        };
        pump();
        return;
      }
      default:
        response.statusCode = 404;
        response.end("no such route");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TestWebSocketServer extends TestServer {
  /** ws://127.0.0.1:<port> */
  readonly url: string;
  readonly sockets: WebSocket[];
  /** Headers of each opening handshake. */
  readonly handshakes: IncomingMessage["headers"][];
  /** Resolves with the close code and reason the server receives from the next client that closes. */
  nextClose(): Promise<{ code: number; reason: string }>;
  nextConnection(): Promise<WebSocket>;
  /** Flood messages ("flood <n>") the server has written to TCP so far. */
  floodMessagesWritten(): number;
}

/**
 * A WebSocket server on 127.0.0.1. A client connecting to /greet is sent "welcome" at once.
 * A client's text message "burst <n>" is answered by n numbered
 * text messages; "binary" by one binary message [1, 2, 3]; "flood <n>" by n binary messages of
 * 1 MiB, each filled with its number; "close <code>" by the server closing; anything else is
 * echoed back.
 */
export async function startWebSocketServer(): Promise<TestWebSocketServer> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const sockets: WebSocket[] = [];
  const handshakes: IncomingMessage["headers"][] = [];
  const closeWaiters: ((close: { code: number; reason: string }) => void)[] = [];
  const connectionWaiters: ((socket: WebSocket) => void)[] = [];
  let floodMessagesWritten = 0;
  server.on("connection", (socket, request) => {
    sockets.push(socket);
    handshakes.push(request.headers);
    connectionWaiters.shift()?.(socket);
    if (request.url === "/greet") socket.send("welcome");
    socket.on("close", (code, reason) => closeWaiters.shift()?.({ code, reason: reason.toString() }));
    socket.on("message", (data, isBinary) => {
      const text = isBinary ? "" : data.toString();
      const [command, arg = ""] = text.split(" ");
      if (command === "burst") {
        for (let index = 0; index < Number(arg); index++) socket.send(`message ${index}`);
      } else if (command === "flood") {
        for (let index = 0; index < Number(arg); index++) {
          socket.send(Buffer.alloc(1024 * 1024, index), () => floodMessagesWritten++);
        }
      } else if (command === "binary") {
        socket.send(Uint8Array.from([1, 2, 3]));
      } else if (command === "close") {
        socket.close(Number(arg), "server says bye");
      } else {
        socket.send(data, { binary: isBinary });
      }
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    url: `ws://127.0.0.1:${port}`,
    port,
    sockets,
    handshakes,
    nextClose: () => new Promise((resolve) => closeWaiters.push(resolve)),
    nextConnection: () => new Promise((resolve) => connectionWaiters.push(resolve)),
    floodMessagesWritten: () => floodMessagesWritten,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of server.clients) socket.terminate();
        server.close(() => resolve());
      }),
  };
}
