import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { http as httpMessages } from "@nd/protocol";
import type { Permissions } from "@nd/manifest";
import { afterEach, expect, test } from "vitest";
import { createHostServices } from "../src/index.js";
import { pluginWith } from "./support/plugins.js";

/**
 * A TCP server on 127.0.0.1 that never answers; it records the order of events. A slow reader
 * stops reading after the first chunk, so an upload to it is left waiting on TCP, until
 * `readOn()`: then it reads what is left and counts the bytes.
 */
async function silentUpstream({ slowReader = false } = {}) {
  const events: string[] = [];
  let bytesRead = 0;
  let arrived!: () => void;
  const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("data", () => {
      events.push("request arrived");
      if (slowReader) socket.pause();
      arrived();
    });
    socket.on("data", (chunk) => (bytesRead += chunk.byteLength));
    socket.on("close", () => events.push("connection closed"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const readOn = () => {
    for (const socket of sockets) socket.resume();
  };
  return { port, events, requestArrived, close, readOn, bytesRead: () => bytesRead };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function start(permissions: Permissions, upstreamOptions: { slowReader?: boolean } = {}) {
  const upstream = await silentUpstream(upstreamOptions);
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

test("aborting the call's signal ends an 8 MiB upload to a server that reads slowly, and closes its connection", async () => {
  const { upstream, services } = await start({ http: { allowLocalNetwork: true } }, { slowReader: true });
  const controller = new AbortController();
  const url = `http://127.0.0.1:${upstream.port}/upload`;
  const body = new Uint8Array(8 * 1024 * 1024);
  const answer = services.http!.post({ url, body, timeoutMs: 60_000 }, { signal: controller.signal });
  await upstream.requestArrived;
  upstream.events.push("deadline");
  controller.abort(new Error("the plugin call's deadline passed"));
  expect((await answer).error).toBe(`POST ${url}: the plugin call's deadline passed`);
  upstream.readOn();
  await expect.poll(() => upstream.events).toContain("connection closed");
  // Every connection it opened is closed, after the deadline, and the upload went no further.
  expect(new Set(upstream.events)).toEqual(new Set(["request arrived", "deadline", "connection closed"]));
  expect(upstream.events.slice(0, 3)).toEqual(["request arrived", "deadline", "connection closed"]);
  expect(upstream.bytesRead()).toBeLessThan(body.byteLength);
});

test("closing the host services destroys their connections: an upload in progress does not go on", async () => {
  const upstream = await silentUpstream({ slowReader: true });
  const plugin = pluginWith({ http: { allowLocalNetwork: true } });
  cleanups.push(upstream.close);
  const url = `http://127.0.0.1:${upstream.port}/upload`;
  const answer = plugin.services.http!.post({ url, body: new Uint8Array(8 * 1024 * 1024), timeoutMs: 60_000 });
  await upstream.requestArrived;
  upstream.events.push("closing");
  await plugin.close();
  upstream.events.push("closed");
  expect((await answer).error).toBe(`POST ${url}: the services of plugin "test-plugin" are closed`);
  upstream.readOn();
  await expect.poll(() => upstream.events).toContain("connection closed");
  expect(upstream.events.slice(0, 4)).toEqual(["request arrived", "closing", "closed", "connection closed"]);
  expect(upstream.bytesRead()).toBeLessThan(8 * 1024 * 1024);
});

test("unloading a plugin ends its requests in flight; another plugin's services go on", async () => {
  const upstream = await silentUpstream({ slowReader: true });
  const host = createHostServices();
  const unloading = host.forPlugin({ name: "unloading", permissions: { http: { allowLocalNetwork: true } }, config: {} });
  cleanups.push(() => host.close(), upstream.close);
  const url = `http://127.0.0.1:${upstream.port}/upload`;
  const answer = unloading.http!.post({ url, body: new Uint8Array(8 * 1024 * 1024), timeoutMs: 60_000 });
  await upstream.requestArrived;
  upstream.events.push("unloading");
  await unloading.close();
  expect((await answer).error).toBe(`POST ${url}: the services of plugin "unloading" are closed`);
  upstream.readOn();
  await expect.poll(() => upstream.events).toContain("connection closed");
  expect(upstream.events.slice(0, 3)).toEqual(["request arrived", "unloading", "connection closed"]);
  expect(upstream.bytesRead()).toBeLessThan(8 * 1024 * 1024);
  expect(() => host.forPlugin({ name: "other", permissions: {}, config: {} })).not.toThrow();
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
