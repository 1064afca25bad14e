import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

export interface FloodWsServer {
  readonly url: string;
  /** Messages written to TCP so far, and acknowledgements (any message back) received. */
  written(): number;
  acks(): number;
  /** Resolves once `count` acknowledgements arrived. */
  acked(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A WebSocket server on 127.0.0.1 that floods each client with `messages` binary messages
 * of `bytes` bytes, as fast as TCP takes them (each send waits for the previous one to be
 * written, so the server itself holds one message at a time), and counts what comes back.
 */
export async function startFloodWsServer(messages: number, bytes: number): Promise<FloodWsServer> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: bytes });
  const payload = Buffer.alloc(bytes, 0x66);
  let written = 0;
  let acks = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  server.on("connection", async (socket) => {
    socket.on("message", () => {
      acks++;
      for (const waiter of waiters.filter((candidate) => acks >= candidate.count)) waiter.resolve();
    });
    for (let i = 0; i < messages && socket.readyState === socket.OPEN; i++) {
      await new Promise<void>((resolve) => socket.send(payload, { binary: true }, () => resolve()));
      written++;
    }
  });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    written: () => written,
    acks: () => acks,
    acked: (count) => (acks >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
