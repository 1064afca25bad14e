import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { http as httpMessages } from "@nd/protocol";
import type { Permissions } from "@nd/manifest";
import { afterEach, expect, test } from "vitest";
import { pluginWith } from "./support/plugins.js";

/** A TCP server on 127.0.0.1 that reads what it is sent and never answers; it records the order of events. */
async function silentUpstream() {
  const events: string[] = [];
  let arrived!: () => void;
  const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("data", () => {
      events.push("request arrived");
      arrived();
    });
    socket.on("close", () => events.push("connection closed"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port, events, requestArrived, close };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function start(permissions: Permissions) {
  const upstream = await silentUpstream();
  const plugin = pluginWith(permissions);
  cleanups.push(plugin.close, upstream.close);
  return { upstream, services: plugin.services };
}

test("aborting the call's signal ends a pending HTTP request and closes its connection", async () => {
  const { upstream, services } = await start({ http: { allowLocalNetwork: true } });
  const controller = new AbortController();
  const url = `http://127.0.0.1:${upstream.port}/slow`;
  const answer = services.http!.get({ url, timeoutMs: 60_000 }, { signal: controller.signal }).then((response) => {
    upstream.events.push("answered");
    return response;
  });
  await upstream.requestArrived;
  controller.abort(new Error("the plugin call's deadline passed"));
  const response = await answer;
  expect(response.error).toBe(`GET ${url}: the plugin call's deadline passed`);
  await expect.poll(() => upstream.events).toContain("connection closed");
  expect(upstream.events.indexOf("request arrived")).toBe(0);
});

test("the wire entry passes the signal on to the service", async () => {
  const { upstream, services } = await start({ http: { allowLocalNetwork: true } });
  const controller = new AbortController();
  const url = `http://127.0.0.1:${upstream.port}/slow`;
  const request = httpMessages.HttpRequest.encode({ url, headers: {}, timeoutMs: 60_000, body: new Uint8Array() }).finish();
  const reply = services.call("get", request, { signal: controller.signal });
  await upstream.requestArrived;
  controller.abort(new Error("call ended"));
  expect(httpMessages.HttpResponse.decode(await reply).error).toBe(`GET ${url}: call ended`);
  await expect.poll(() => upstream.events).toContain("connection closed");
});

test("a signal already aborted sends nothing", async () => {
  const { upstream, services } = await start({ http: { allowLocalNetwork: true } });
  const url = `http://127.0.0.1:${upstream.port}/never`;
  const response = await services.http!.get({ url }, { signal: AbortSignal.abort(new Error("too late")) });
  expect(response.error).toBe(`GET ${url}: too late`);
  expect(upstream.events).toEqual([]);
});

test("aborting the signal during a WebSocket handshake cuts the connection and answers an error", async () => {
  const { upstream, services } = await start({ websocket: { allowLocalNetwork: true } });
  const controller = new AbortController();
  const url = `ws://127.0.0.1:${upstream.port}/socket`;
  const connecting = services.websocket!.connect({ url, connectionId: "c1" }, { signal: controller.signal });
  await upstream.requestArrived;
  controller.abort(new Error("the plugin call's deadline passed"));
  const response = await connecting;
  expect(response).toEqual({ connectionId: "", error: `connect ${url}: handshake aborted: the plugin call's deadline passed` });
  await expect.poll(() => upstream.events).toEqual(["request arrived", "connection closed"]);
  expect(services.websocket!.connectionIds()).toEqual([]);
});
