import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalHttpServer {
  readonly port: number;
  /** Paths of every request that reached the server, in order. */
  readonly hits: string[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1: `/redirect?to=<url>` answers 302 to that URL, anything else 200 "hello".
 */
export async function startLocalHttpServer(): Promise<LocalHttpServer> {
  const hits: string[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    hits.push(request.url ?? "");
    const url = new URL(request.url ?? "/", "http://placeholder");
    const to = url.pathname === "/redirect" ? url.searchParams.get("to") : null;
    if (to) response.writeHead(302, { location: to }).end();
    else response.writeHead(200, { "content-type": "text/plain" }).end("hello");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
