import { type AddressInfo, connect as netConnect, createServer, type LookupFunction } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import type { HostServicesOptions, PluginCallbacks } from "../src/index.js";
import { pluginWith } from "./support/plugins.js";
import { startHttpServer, startWebSocketServer } from "./support/servers.js";

let server: Awaited<ReturnType<typeof startWebSocketServer>>;
beforeAll(async () => {
  server = await startWebSocketServer();
});
afterAll(() => server.close());

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Records every callback as a line of text; `until(n)` resolves once n events arrived. */
function recorder(deliver: (event: string) => Promise<void> = async () => {}) {
  const events: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const record = async (event: string) => {
    events.push(event);
    for (const waiter of waiters.filter((candidate) => events.length >= candidate.count)) waiter.resolve();
    await deliver(event);
  };
  const callbacks: PluginCallbacks = {
    onTextMessage: (request) => record(`text ${request.connectionId} ${request.message}`),
    onBinaryMessage: (request) => record(`binary ${request.connectionId} ${[...request.data].join(",")}`),
    onError: (request) => record(`error ${request.connectionId} ${request.error}`),
    onClose: (request) => record(`close ${request.connectionId} ${request.code} ${request.reason}`),
  };
  const until = (count: number) =>
    events.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }));
  return { events, callbacks, until };
}

function websocketPlugin(
  permission: object = { allowLocalNetwork: true },
  options: HostServicesOptions = {},
  events = recorder(),
) {
  const plugin = pluginWith({ websocket: permission }, options, { callbacks: events.callbacks });
  cleanups.push(plugin.close);
  const websocket = plugin.services.websocket;
  if (!websocket) throw new Error("websocket service missing");
  return { ...events, websocket, services: plugin.services };
}

describe("websocket connections", () => {
  test("connect sends the headers and keeps the given id", async () => {
    const { websocket } = websocketPlugin();
    const response = await websocket.connect({ url: server.url, headers: { "x-token": "t1" }, connectionId: "c1" });
    expect(response).toEqual({ connectionId: "c1", error: "" });
    expect(server.handshakes.at(-1)?.["x-token"]).toBe("t1");
    expect(websocket.connectionIds()).toEqual(["c1"]);
  });

  test("an id is generated when none is given", async () => {
    const { websocket } = websocketPlugin();
    expect((await websocket.connect({ url: server.url })).connectionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("a message the server sends right after the handshake is delivered", async () => {
    const { websocket, events, until } = websocketPlugin();
    await websocket.connect({ url: `${server.url}/greet`, connectionId: "g" });
    await until(1);
    expect(events).toEqual(["text g welcome"]);
  });

  test("text and binary messages go both ways", async () => {
    const { websocket, events, until } = websocketPlugin();
    await websocket.connect({ url: server.url, connectionId: "c" });
    expect(await websocket.sendText({ connectionId: "c", message: "héllo" })).toEqual({ error: "" });
    await until(1);
    expect(await websocket.sendBinary({ connectionId: "c", data: Uint8Array.from([9, 8]) })).toEqual({ error: "" });
    await until(2);
    await websocket.sendText({ connectionId: "c", message: "binary" });
    await until(3);
    expect(events).toEqual(["text c héllo", "binary c 9,8", "binary c 1,2,3"]);
  });

  test("events arrive one at a time, in order, even when callbacks are slow", async () => {
    let busy = false;
    let overlapped = false;
    const slow = recorder(async () => {
      overlapped ||= busy;
      busy = true;
      await new Promise((resolve) => setImmediate(resolve));
      busy = false;
    });
    const { websocket, events, until } = websocketPlugin(undefined, {}, slow);
    await websocket.connect({ url: server.url, connectionId: "burst" });
    await websocket.sendText({ connectionId: "burst", message: "burst 100" });
    await websocket.sendText({ connectionId: "burst", message: "close 4000" });
    await until(101);
    expect(events).toEqual([
      ...Array.from({ length: 100 }, (_, index) => `text burst message ${index}`),
      "error burst websocket: close 4000: server says bye",
    ]);
    expect(overlapped).toBe(false);
  });

  test("close sends code and reason; the plugin gets OnClose and the id is released", async () => {
    const { websocket, events, until } = websocketPlugin();
    await websocket.connect({ url: server.url, connectionId: "bye" });
    const serverSawClose = server.nextClose();
    expect(await websocket.close({ connectionId: "bye", code: 4001, reason: "done" })).toEqual({ error: "" });
    expect(await serverSawClose).toEqual({ code: 4001, reason: "done" });
    await until(1);
    expect(events).toEqual(["close bye 4001 done"]);
    expect(websocket.connectionIds()).toEqual([]);
    expect(await websocket.sendText({ connectionId: "bye", message: "late" })).toEqual({
      error: 'connection not found: no open connection with id "bye"',
    });
  });

  test("code 0 closes normally; an invalid code is an error", async () => {
    const { websocket } = websocketPlugin();
    await websocket.connect({ url: server.url, connectionId: "x" });
    expect((await websocket.close({ connectionId: "x", code: 999 })).error).toBe(
      'close "x": First argument must be a valid error code number',
    );
    const serverSawClose = server.nextClose();
    await websocket.close({ connectionId: "x" });
    expect((await serverSawClose).code).toBe(1000);
  });

  test("an unknown connection id is an error in every call, with Navidrome's words first", async () => {
    const { websocket } = websocketPlugin();
    const error = 'connection not found: no open connection with id "ghost"';
    expect(await websocket.sendText({ connectionId: "ghost", message: "m" })).toEqual({ error });
    expect(await websocket.sendBinary({ connectionId: "ghost", data: new Uint8Array(1) })).toEqual({ error });
    expect(await websocket.close({ connectionId: "ghost" })).toEqual({ error });
  });

  test("a failed handshake is a connect error", async () => {
    const http = await startHttpServer();
    cleanups.push(() => http.close());
    const { websocket, events } = websocketPlugin();
    const response = await websocket.connect({ url: `ws://127.0.0.1:${http.port}/status/404` });
    expect(response.connectionId).toBe("");
    expect(response.error).toMatch(/Unexpected server response: 404/);
    expect(events).toEqual([]);
    expect(websocket.connectionIds()).toEqual([]);
  });
});

describe("websocket limits", () => {
  test("open connections are capped per plugin; ids are unique", async () => {
    const { websocket } = websocketPlugin(undefined, { websocket: { maxConnectionsPerPlugin: 2 } });
    await websocket.connect({ url: server.url, connectionId: "a" });
    expect((await websocket.connect({ url: server.url, connectionId: "a" })).error).toBe(
      `connect ${server.url}: connection id "a" is already in use`,
    );
    await websocket.connect({ url: server.url, connectionId: "b" });
    expect((await websocket.connect({ url: server.url, connectionId: "c" })).error).toBe(
      `connect ${server.url}: plugin "test-plugin" already has 2 connections, the most allowed`,
    );
  });

  test("messages larger than maxMessageBytes are refused both ways", async () => {
    const { websocket, events, until } = websocketPlugin(undefined, { websocket: { maxMessageBytes: 16 } });
    await websocket.connect({ url: server.url, connectionId: "m" });
    expect(await websocket.sendText({ connectionId: "m", message: "x".repeat(17) })).toEqual({
      error: "message of 17 bytes is larger than the limit of 16 bytes",
    });
    const connection = server.nextConnection();
    await websocket.connect({ url: server.url, connectionId: "n" });
    (await connection).send("y".repeat(17));
    await until(1);
    await vi.waitFor(() => expect(websocket.connectionIds()).toEqual(["m"]));
    await new Promise((resolve) => setImmediate(resolve));
    // The connection ends with that one error: no OnClose, since the plugin did not ask for it.
    expect(events).toEqual([expect.stringMatching(/^error n Max payload size exceeded/)]);
  });
});

describe("websocket inbound queue", () => {
  test("a server flooding 1 MiB messages at a slow plugin is paused at maxQueuedMessages; nothing is lost", async () => {
    const FLOOD = 40;
    const handled: number[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow: PluginCallbacks = {
      onBinaryMessage: async ({ data }) => {
        if (handled.length === 0) await released;
        handled.push(data[0]!);
      },
    };
    const plugin = pluginWith({ websocket: { allowLocalNetwork: true } }, { websocket: { maxQueuedMessages: 4 } }, { callbacks: slow });
    cleanups.push(plugin.close);
    const websocket = plugin.services.websocket!;
    await websocket.connect({ url: server.url, connectionId: "f" });
    await websocket.sendText({ connectionId: "f", message: `flood ${FLOOD}` });

    await vi.waitFor(() => expect(websocket.inbound("f")?.paused).toBe(true), { timeout: 10_000 });
    // Frames already read when the socket paused may still arrive: at most one more 1 MiB message.
    expect(websocket.inbound("f")!.waitingMessages).toBeLessThanOrEqual(5);
    expect(server.floodMessagesWritten()).toBeLessThan(FLOOD);
    expect(handled).toEqual([]);

    release();
    await vi.waitFor(() => expect(handled).toHaveLength(FLOOD), { timeout: 10_000 });
    expect(handled).toEqual(Array.from({ length: FLOOD }, (_, index) => index));
    expect(websocket.inbound("f")).toEqual({ waitingMessages: 0, waitingBytes: 0, paused: false });
  });

  test("thousands of small messages read before the pause took effect: past maxBufferedMessages the connection is closed and the plugin told why, once (an OnError, no OnClose)", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The plugin is busy with the first message until released.
    const events = recorder(async () => {
      if (events.events.length === 1) await released;
    });
    const { websocket } = websocketPlugin({ allowLocalNetwork: true }, {}, events);
    await websocket.connect({ url: server.url, connectionId: "b" });
    await websocket.sendText({ connectionId: "b", message: "burst 20000" });
    await vi.waitFor(() => expect(websocket.connectionIds()).toEqual([]), { timeout: 10_000 });
    release();
    await vi.waitFor(() => expect(events.events.at(-1)).toMatch(/^error b /), { timeout: 10_000 });
    const texts = events.events.filter((event) => event.startsWith("text "));
    expect(texts).toEqual(Array.from({ length: 256 }, (_, index) => `text b message ${index}`));
    expect(events.events.slice(256)).toEqual([
      "error b connection closed: more than 256 messages were waiting for the plugin (websocket.maxBufferedMessages)",
    ]);
  });

  test("connections of one plugin share maxQueuedBytesPerPlugin: together they pause near it and lose nothing", async () => {
    const MIB = 1024 * 1024;
    const handled = new Map<string, number[]>();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow: PluginCallbacks = {
      onBinaryMessage: async ({ connectionId, data }) => {
        await released;
        handled.set(connectionId, [...(handled.get(connectionId) ?? []), data[0]!]);
      },
    };
    const limits = { maxQueuedBytesPerPlugin: 4 * MIB, maxBufferedBytesPerPlugin: 8 * MIB };
    const plugin = pluginWith({ websocket: { allowLocalNetwork: true } }, { websocket: limits }, { callbacks: slow });
    cleanups.push(plugin.close);
    const websocket = plugin.services.websocket!;
    const ids = ["p1", "p2", "p3"];
    for (const id of ids) {
      await websocket.connect({ url: server.url, connectionId: id });
      await websocket.sendText({ connectionId: id, message: "flood 12" });
    }
    await vi.waitFor(() => expect(ids.map((id) => websocket.inbound(id)?.paused)).toEqual([true, true, true]), {
      timeout: 10_000,
    });
    const waitingBytes = ids.reduce((sum, id) => sum + websocket.inbound(id)!.waitingBytes, 0);
    // Each connection may take one more 1 MiB message after the pause: at most 4 + 3 MiB in all.
    expect(waitingBytes).toBeGreaterThanOrEqual(4 * MIB);
    expect(waitingBytes).toBeLessThanOrEqual(7 * MIB);

    release();
    const all = Array.from({ length: 12 }, (_, index) => index);
    await vi.waitFor(() => expect(ids.map((id) => handled.get(id))).toEqual([all, all, all]), { timeout: 20_000 });
  });
});

describe("websocket network rules", () => {
  test("local addresses are refused without allowLocalNetwork, and nothing connects", async () => {
    const before = server.handshakes.length;
    const { websocket } = websocketPlugin({});
    expect((await websocket.connect({ url: server.url })).error).toBe(
      `connect ${server.url}: 127.0.0.1 is a loopback address; local network access needs "allowLocalNetwork": true in the permission`,
    );
    expect((await websocket.connect({ url: `ws://localhost:${server.port}` })).error).toMatch(
      /localhost resolves to (127\.0\.0\.1|::1), which is a loopback address/,
    );
    expect(server.handshakes.length).toBe(before);
  });

  test("allowedUrls limit where a plugin may connect", async () => {
    const { websocket } = websocketPlugin({ allowLocalNetwork: true, allowedUrls: ["ws://127.0.0.1:*/allowed/*"] });
    expect((await websocket.connect({ url: `${server.url}/allowed/feed` })).error).toBe("");
    expect((await websocket.connect({ url: `${server.url}/other` })).error).toBe(
      `connect ${server.url}/other: ${server.url}/other is not in the permission's allowedUrls`,
    );
    expect((await websocket.connect({ url: `${server.origin}/allowed/feed` })).error).toMatch(
      /scheme "http" is not allowed; use ws or wss/,
    );
  });
});

describe("a host's createConnection", () => {
  const dnsLookup = async (hostname: string) => [
    { address: hostname === "gateway.public.test" ? "203.0.113.7" : "127.0.0.1", family: 4 },
  ];
  // Routes every handshake to the local test server, whatever the plugin's URL: a test harness.
  const routeToServer = () => netConnect(server.port, "127.0.0.1");

  test("routes an unmodified plugin to a local upstream; its own URL is what gets checked", async () => {
    const { websocket, events } = websocketPlugin(
      { allowedUrls: ["wss://gateway.public.test/*"] },
      { websocket: { createConnection: routeToServer }, dnsLookup },
    );
    // ws:// here: the local test server speaks no TLS, so a wss URL could not finish its handshake.
    expect((await websocket.connect({ url: "ws://gateway.public.test/greet", connectionId: "g" })).error).toMatch(
      /ws:\/\/gateway.public.test\/greet is not in the permission's allowedUrls/,
    );
    const open = websocketPlugin(
      { allowedUrls: ["ws://gateway.public.test/*"] },
      { websocket: { createConnection: routeToServer }, dnsLookup },
    );
    expect(await open.websocket.connect({ url: "ws://gateway.public.test/greet", connectionId: "g" })).toEqual({
      connectionId: "g",
      error: "",
    });
    await open.until(1);
    expect(open.events).toEqual(["text g welcome"]);
    expect(server.handshakes.at(-1)?.host).toBe("gateway.public.test");
    expect(events).toEqual([]);
  });

  test("a name resolving to a local address is still refused before connecting", async () => {
    const before = server.handshakes.length;
    const { websocket } = websocketPlugin({}, { websocket: { createConnection: routeToServer }, dnsLookup });
    expect((await websocket.connect({ url: "ws://internal.test/greet" })).error).toMatch(
      /internal.test resolves to 127.0.0.1, which is a loopback address/,
    );
    expect((await websocket.connect({ url: `ws://127.0.0.1:${server.port}/greet` })).error).toMatch(
      /127.0.0.1 is a loopback address/,
    );
    expect(server.handshakes.length).toBe(before);
  });

  test("a connection that resolves the plugin's name itself to loopback is destroyed before connecting", async () => {
    const before = server.handshakes.length;
    // nd's check sees 203.0.113.7; this connector's own resolver then answers 127.0.0.1.
    const rebinding: LookupFunction = (_hostname, options, callback) =>
      setImmediate(() =>
        options.all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4),
      );
    const { websocket } = websocketPlugin(
      {},
      { websocket: { createConnection: (options) => netConnect({ ...options, lookup: rebinding }) }, dnsLookup },
    );
    const response = await websocket.connect({ url: `ws://gateway.public.test:${server.port}/greet` });
    expect(response.error).toMatch(/gateway.public.test resolves to 127.0.0.1, which is a loopback address/);
    expect(server.handshakes.length).toBe(before);
  });

  test("a lookup that answers synchronously and rebinds is caught on the address actually connected to", async () => {
    const before = server.handshakes.length;
    // The same resolver for nd's check and for the connector: public the first time, loopback after,
    // and the connector's answer comes back before net.connect returns.
    const answers: string[] = [];
    const next = () => {
      answers.push(answers.length === 0 ? "203.0.113.7" : "127.0.0.1");
      return answers.at(-1)!;
    };
    const rebinding: LookupFunction = (_hostname, options, callback) => {
      const address = next();
      if (options.all) callback(null, [{ address, family: 4 }]);
      else callback(null, address, 4);
    };
    const { websocket } = websocketPlugin(
      {},
      {
        websocket: { createConnection: (options) => netConnect({ ...options, lookup: rebinding }) },
        dnsLookup: async () => [{ address: next(), family: 4 }],
      },
    );
    const response = await websocket.connect({ url: `ws://rebinding.public.test:${server.port}/greet` });
    expect(answers).toEqual(["203.0.113.7", "127.0.0.1"]);
    expect(response.error).toMatch(/rebinding.public.test resolves to 127.0.0.1, which is a loopback address/);
    expect(server.handshakes.length).toBe(before);
  });

  test("a TLS connector with such a lookup writes nothing to the local address, not even its hello", async () => {
    // A bare TCP listener on loopback: it records every byte a client sends.
    const received: number[] = [];
    const listener = createServer((socket) => socket.on("data", (chunk: Buffer) => received.push(chunk.length)));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => listener.close(() => resolve())));
    const { port } = listener.address() as AddressInfo;
    const toLoopback: LookupFunction = (_hostname, options, callback) =>
      options.all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4);
    const connections: number[] = [];
    listener.on("connection", () => connections.push(port));
    const { websocket } = websocketPlugin(
      {},
      { websocket: { createConnection: (options) => tlsConnect({ ...options, lookup: toLoopback }) }, dnsLookup },
    );
    const response = await websocket.connect({ url: `wss://gateway.public.test:${port}/greet` });
    expect(response.error).toMatch(/gateway.public.test resolves to 127.0.0.1, which is a loopback address/);
    // The TCP connection was made (that is what is checked), and then not a byte went over it.
    await new Promise((resolve) => setImmediate(resolve));
    expect(connections).toEqual([port]);
    expect(received).toEqual([]);
  });

  test("passing nd's lookup on keeps the connect-time check", async () => {
    const { websocket } = websocketPlugin({}, { websocket: { createConnection: (options) => netConnect(options) } });
    expect((await websocket.connect({ url: `ws://localhost:${server.port}/greet` })).error).toMatch(
      /localhost resolves to (127\.0\.0\.1|::1), which is a loopback address/,
    );
  });
});

describe("unload", () => {
  test("closes every connection with 1001 and delivers nothing more", async () => {
    const { websocket, services, events } = websocketPlugin();
    await websocket.connect({ url: server.url, connectionId: "one" });
    await websocket.connect({ url: server.url, connectionId: "two" });
    const closes = [server.nextClose(), server.nextClose()];
    await services.close();
    expect(await Promise.all(closes)).toEqual([
      { code: 1001, reason: "plugin unloaded" },
      { code: 1001, reason: "plugin unloaded" },
    ]);
    expect(events).toEqual([]);
    expect(websocket.connectionIds()).toEqual([]);
    expect((await websocket.connect({ url: server.url })).error).toMatch(/the websocket service of this plugin is closed/);
  });
});
