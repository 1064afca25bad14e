import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface SlowUpstream {
  readonly origin: string;
  /** Requests that arrived, and connections the client closed before an answer. */
  readonly counts: { arrived: number; dropped: number };
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that answers every request after `delayMs`, or never when `delayMs` is Infinity. */
export async function slowUpstream(delayMs: number): Promise<SlowUpstream> {
  const counts = { arrived: 0, dropped: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const server = createServer((request, response: ServerResponse) => {
    counts.arrived++;
    response.on("close", () => {
      if (!response.writableFinished) counts.dropped++;
    });
    if (!Number.isFinite(delayMs)) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      response.end(request.url);
    }, delayMs);
    timers.add(timer);
  });
  // Longer than any run: a client reusing a connection the server is just closing fails its request.
  server.keepAliveTimeout = 120_000;
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
