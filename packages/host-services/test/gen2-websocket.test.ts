import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { PluginCallbacks } from "../src/index.js";
import { callJson, gen2PluginWith } from "./support/gen2-plugin.js";
import { startWebSocketServer, type TestWebSocketServer } from "./support/servers.js";

let server: TestWebSocketServer;
beforeAll(async () => {
  server = await startWebSocketServer();
});
afterAll(() => server.close());

const cleanups: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(cleanups.splice(0).map((cleanup) => cleanup())));

/** `null`: a websocket permission without requiredHosts. */
function socketPlugin(requiredHosts: string[] | null = ["127.0.0.1"]) {
  const events: string[] = [];
  let wake: (() => void) | undefined;
  const record = async (event: string) => {
    events.push(event);
    wake?.();
  };
  const callbacks: PluginCallbacks = {
    onTextMessage: ({ connectionId, message }) => record(`text ${connectionId} ${message}`),
    onBinaryMessage: ({ connectionId, data }) => record(`binary ${connectionId} ${[...data].join(",")}`),
    onError: ({ connectionId, error }) => record(`error ${connectionId} ${error}`),
    onClose: ({ connectionId, code, reason }) => record(`close ${connectionId} ${code} ${reason}`),
  };
  const plugin = gen2PluginWith({ websocket: requiredHosts ? { requiredHosts } : {} }, {}, { callbacks, id: "ws-test" });
  cleanups.push(plugin.close);
  /** Resolves once `count` events were recorded. */
  const eventsReach = (count: number) =>
    new Promise<void>((resolve) => {
      wake = () => events.length >= count && resolve();
      wake();
    });
  return { services: plugin.services, events, eventsReach };
}

describe("generation-2 websocket service", () => {
  test("connects with headers, sends text and binary, and receives both through the callbacks", async () => {
    const { services, events, eventsReach } = socketPlugin();
    const answer = await callJson(services, "websocket_connect", {
      url: `${server.url}/`,
      headers: { "X-Token": "t" },
      connectionId: "c1",
    });
    expect(answer).toEqual({ newConnectionId: "c1" });
    expect(server.handshakes.at(-1)?.["x-token"]).toBe("t");
    expect(await callJson(services, "websocket_sendtext", { connectionId: "c1", message: "hello" })).toEqual({});
    await eventsReach(1);
    expect(await callJson(services, "websocket_sendtext", { connectionId: "c1", message: "binary" })).toEqual({});
    await eventsReach(2);
    expect(await callJson(services, "websocket_sendbinary", { connectionId: "c1", data: "CQg=" })).toEqual({});
    await eventsReach(3);
    expect(events).toEqual(["text c1 hello", "binary c1 1,2,3", "binary c1 9,8"]);
  });

  test("an empty connectionId gets a generated one; a live id cannot be reused", async () => {
    const { services } = socketPlugin();
    const { newConnectionId } = await callJson(services, "websocket_connect", { url: server.url });
    expect(newConnectionId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await callJson(services, "websocket_connect", { url: server.url, connectionId: newConnectionId });
    expect(again.error).toContain("already in use");
  });

  test("requiredHosts decide: none refuses every connection, `*` never reaches a loopback address", async () => {
    expect((await callJson(socketPlugin(null).services, "websocket_connect", { url: server.url })).error).toContain(
      "requiredHosts",
    );
    expect((await callJson(socketPlugin(["*"]).services, "websocket_connect", { url: server.url })).error).toContain(
      "loopback",
    );
    expect((await callJson(socketPlugin(["example.com"]).services, "websocket_connect", { url: server.url })).error).toContain(
      "requiredHosts",
    );
    const http = await callJson(socketPlugin().services, "websocket_connect", { url: server.origin });
    expect(http.error).toContain('scheme "http"');
  });

  test("a peer close with 1000 reaches the plugin as OnClose", async () => {
    const { services, events, eventsReach } = socketPlugin();
    await callJson(services, "websocket_connect", { url: server.url, connectionId: "p" });
    await callJson(services, "websocket_sendtext", { connectionId: "p", message: "close 1000" });
    await eventsReach(1);
    expect(events).toEqual(["close p 1000 server says bye"]);
  });

  test("a peer close with another code reaches the plugin as OnError", async () => {
    const { services, events, eventsReach } = socketPlugin();
    await callJson(services, "websocket_connect", { url: server.url, connectionId: "q" });
    await callJson(services, "websocket_sendtext", { connectionId: "q", message: "close 4000" });
    await eventsReach(1);
    expect(events).toEqual(["error q websocket: close 4000: server says bye"]);
  });

  test("closeconnection delivers OnClose inside the call, with the plugin's code and reason, and nothing after", async () => {
    const { services, events } = socketPlugin();
    await callJson(services, "websocket_connect", { url: server.url, connectionId: "mine" });
    const serverSaw = server.nextClose();
    const answer = await callJson(services, "websocket_closeconnection", { connectionId: "mine", code: 4001, reason: "done" });
    expect(answer).toEqual({});
    expect(events).toEqual(["close mine 4001 done"]);
    expect(await serverSaw).toEqual({ code: 4001, reason: "done" });
    expect(await callJson(services, "websocket_sendtext", { connectionId: "mine", message: "x" })).toEqual({
      error: 'connection ID "mine" not found',
    });
    expect(events).toHaveLength(1);
  });
});
