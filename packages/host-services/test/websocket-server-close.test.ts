// A WebSocket closed by the server reaches the plugin as Navidrome v0.57's read loop reports it:
// OnError with gorilla/websocket's close text, after every message, and no OnClose. OnClose stays
// for a close the plugin asked for.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { WebSocketServer } from "ws";
import type { PluginCallbacks } from "../src/index.js";
import { goCloseErrorText } from "../src/websocket/close-text.js";
import { pluginWith } from "./support/plugins.js";

/**
 * Answers "end <code> <reason>" with "last words" and then a close frame of that code and reason;
 * "end-empty" with a close frame without status; "drop" by cutting TCP without a close frame.
 */
let server: WebSocketServer;
let url: string;

beforeAll(async () => {
  server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on("connection", (socket) => {
    socket.on("message", (data) => {
      const [command = "", code = "", ...reason] = data.toString().split(" ");
      socket.send("last words");
      if (command === "end") socket.close(Number(code), reason.join(" "));
      else if (command === "end-empty") socket.close();
      else if (command === "drop") socket.terminate();
    });
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function connectedPlugin() {
  const events: string[] = [];
  const callbacks: PluginCallbacks = {
    onTextMessage: async ({ message }) => void events.push(`text ${message}`),
    onError: async ({ error }) => void events.push(`error ${error}`),
    onClose: async ({ code, reason }) => void events.push(`close ${code} ${reason}`),
  };
  const plugin = pluginWith({ websocket: { allowLocalNetwork: true } }, {}, { callbacks });
  const websocket = plugin.services.websocket!;
  expect((await websocket.connect({ url, connectionId: "c" })).error).toBe("");
  /** Waits until the connection is gone and its events delivered. */
  const ended = async () => {
    await vi.waitFor(() => expect(websocket.connectionIds()).toEqual([]));
    await vi.waitFor(() => expect(events.at(-1)).toMatch(/^(error|close) /));
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { websocket, events, ended, close: plugin.close };
}

describe("a close the plugin did not ask for", () => {
  test.each([
    ["end 1000 bye", "websocket: close 1000 (normal): bye"],
    ["end 1001", "websocket: close 1001 (going away)"],
    ["end 1011 database down", "websocket: close 1011 (internal server error): database down"],
    ["end 4000 custom", "websocket: close 4000: custom"],
    ["end-empty", "websocket: close 1005 (no status)"],
    ["drop", "websocket: close 1006 (abnormal closure): unexpected EOF"],
  ])("%j: the messages, then OnError %j, and no OnClose", async (command, text) => {
    const { websocket, events, ended, close } = await connectedPlugin();
    await websocket.sendText({ connectionId: "c", message: command });
    await ended();
    expect(events).toEqual(["text last words", `error ${text}`]);
    await close();
  });

  test("afterwards the id is unknown: calls answer connection not found", async () => {
    const { websocket, ended, close } = await connectedPlugin();
    await websocket.sendText({ connectionId: "c", message: "end 1000 bye" });
    await ended();
    expect((await websocket.sendText({ connectionId: "c", message: "late" })).error).toMatch(/^connection not found/);
    await close();
  });
});

test("a close the plugin asked for: OnClose with the code, and no OnError", async () => {
  const { websocket, events, ended, close } = await connectedPlugin();
  expect(await websocket.close({ connectionId: "c", code: 1000, reason: "done" })).toEqual({ error: "" });
  await ended();
  expect(events).toEqual(["close 1000 done"]);
  await close();
});

describe("gorilla/websocket's close text", () => {
  test.each([
    [1000, "bye", "websocket: close 1000 (normal): bye"],
    [1002, "", "websocket: close 1002 (protocol error)"],
    [1003, "", "websocket: close 1003 (unsupported data)"],
    [1007, "", "websocket: close 1007 (invalid payload data)"],
    [1008, "", "websocket: close 1008 (policy violation)"],
    [1009, "", "websocket: close 1009 (message too big)"],
    [1010, "", "websocket: close 1010 (mandatory extension missing)"],
    [1012, "restart", "websocket: close 1012: restart"],
    [1015, "", "websocket: close 1015 (TLS handshake error)"],
  ])("%d %j reads %j", (code, reason, text) => {
    expect(goCloseErrorText(code, reason)).toBe(text);
  });
});
