import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * An HTTP server on 127.0.0.1 that holds every response until `release()` (or forever,
 * for a hung upstream), and writes down the order of what happens to it: `arrived <path>`
 * when a request comes, `closed <path>` when the client drops a connection it had not
 * been answered on, `answered <path>` when released.
 */
export async function heldUpstream() {
  const events: string[] = [];
  const held: Array<{ path: string; response: ServerResponse }> = [];
  const sockets = new Set<Socket>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const arrivals = () => events.filter((event) => event.startsWith("arrived")).length;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? "/";
    events.push(`arrived ${path}`);
    held.push({ path, response });
    response.on("close", () => {
      if (!response.writableFinished) events.push(`closed ${path}`);
    });
    for (const waiter of waiters.filter((candidate) => arrivals() >= candidate.count)) waiter.resolve();
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    events,
    /** Resolves once `count` requests have arrived. */
    arrived: (count: number) =>
      arrivals() >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    /** Answers every held request with its own path. */
    release() {
      for (const { path, response } of held.splice(0)) {
        if (response.destroyed) continue;
        events.push(`answered ${path}`);
        response.end(path);
      }
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
