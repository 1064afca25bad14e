import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

export interface LocalWsServer {
  readonly url: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A WebSocket server on 127.0.0.1 that only counts who connects. */
export async function startLocalWsServer(): Promise<LocalWsServer> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  let accepted = 0;
  server.on("connection", () => accepted++);
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    connections: () => accepted,
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
