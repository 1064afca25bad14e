import { PluginCallError, type PluginManager } from "@nd/runtime";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { exampleBuilt, examplePluginsFolder, fakeWebSocketServer, managers, within, type FakeWebSocketServer } from "./support/examples.js";

/** A cron that does not fire during a test run (midnight on January 1st), so only the test decides when checks run. */
const built = exampleBuilt("go-live-events");
const NEVER_SOON = "0 0 1 1 *";
const WAIT_MS = 10_000;

let server: FakeWebSocketServer;
const running = managers();

beforeEach(async () => {
  server = await fakeWebSocketServer();
});
afterEach(async () => {
  await running.stop();
  await server.close();
});

function localWebSocket(port: number) {
  return { allowLocalNetwork: true, allowedUrls: [`ws://127.0.0.1:${port}/*`] };
}

async function startLiveEvents(config: Record<string, string>, permissions: Record<string, unknown> = { websocket: localWebSocket(server.port) }) {
  const folder = examplePluginsFolder("go-live-events", permissions);
  return running.start({ folder, pluginConfig: { "go-live-events": { check_cron: NEVER_SOON, ...config } } });
}

/** Runs the plugin's SchedulerCallback as the scheduler would for one of its schedules. */
function runSchedule(manager: PluginManager, payload: string, scheduleId: string, isRecurring: boolean) {
  const [callback] = manager.schedulerCallbacks();
  return callback!.onSchedulerCallback({ scheduleId, payload: new TextEncoder().encode(payload), isRecurring });
}

/**
 * Runs `schedule` until the server has seen `count` connections. The host learns
 * of a close a moment after the server makes it; until then the plugin's
 * connection id is still taken and the run fails or sends into the closing socket.
 */
async function untilConnected(count: number, schedule: () => Promise<unknown>) {
  const connections = () => schedule().then(
    () => server.clients.length,
    () => server.clients.length,
  );
  await expect.poll(connections, { timeout: WAIT_MS, interval: 50 }).toBe(count);
}

describe.skipIf(!built)("go-live-events with a WebSocket server on 127.0.0.1", () => {
  test("OnInit connects to ws_url; a ping gets a pong, a binary frame its size, other text nothing", async () => {
    const { manager } = await startLiveEvents({ ws_url: server.url });
    expect(manager.list()[0]).toMatchObject({ name: "go-live-events", state: "loaded" });
    const client = await within(WAIT_MS, "the plugin's connection", server.nextClient());

    client.socket.send("hello");
    client.socket.send("ping");
    await expect(within(WAIT_MS, "reply to ping", client.next())).resolves.toBe("pong");
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    await expect(within(WAIT_MS, "reply to a binary frame", client.next())).resolves.toBe("received 3 bytes");
  });

  test("the WebSocketCallback methods called directly: other connections are ignored, errors are logged", async () => {
    const { manager, lines } = await startLiveEvents({ ws_url: server.url });
    const client = await within(WAIT_MS, "the plugin's connection", server.nextClient());
    const [callback] = manager.webSocketCallbacks();

    await expect(callback!.onTextMessage({ connectionId: "someone-else", message: "ping" })).resolves.toEqual({});
    await expect(callback!.onBinaryMessage({ connectionId: "someone-else", data: new Uint8Array(9) })).resolves.toEqual({});
    await expect(callback!.onClose({ connectionId: "someone-else", code: 1000, reason: "" })).resolves.toEqual({});
    await expect(callback!.onError({ connectionId: "live-events", error: "connection reset" })).resolves.toEqual({});
    expect(lines).toContain("warn: [go-live-events] live-events: connection live-events: connection reset");

    await expect(callback!.onTextMessage({ connectionId: "live-events", message: "ping" })).resolves.toEqual({});
    await expect(within(WAIT_MS, "pong", client.next())).resolves.toBe("pong");
    expect(server.clients).toHaveLength(1);
  });

  test("the recurring check scheduled by OnInit runs on check_cron and sends a heartbeat", async () => {
    await startLiveEvents({ ws_url: server.url, check_cron: "@every 1s" });
    const client = await within(WAIT_MS, "the plugin's connection", server.nextClient());
    await expect(within(WAIT_MS, "a heartbeat", client.next())).resolves.toBe("heartbeat");
  });

  test("the check sends a heartbeat while connected and connects again once the connection is gone", async () => {
    const { manager } = await startLiveEvents({ ws_url: server.url, reconnect_delay_seconds: "3600" });
    const first = await within(WAIT_MS, "the plugin's connection", server.nextClient());
    await expect(runSchedule(manager, "check", "live-events-check", true)).resolves.toEqual({ error: "" });
    await expect(within(WAIT_MS, "a heartbeat", first.next())).resolves.toBe("heartbeat");

    first.socket.terminate();
    await first.closed;
    // OnError scheduled a reconnect an hour away, so only the check can bring the connection back.
    await untilConnected(2, () => runSchedule(manager, "check", "live-events-check", true));
    expect(server.clients[1]!.socket.readyState).toBe(server.clients[1]!.socket.OPEN);
  });

  test("a close from the server schedules a reconnect reconnect_delay_seconds later", async () => {
    await startLiveEvents({ ws_url: server.url, reconnect_delay_seconds: "1" });
    const first = await within(WAIT_MS, "the plugin's connection", server.nextClient());
    first.socket.close(1001, "going away");
    const second = await within(WAIT_MS, "the reconnection", server.nextClient());
    second.socket.send("ping");
    await expect(within(WAIT_MS, "pong on the new connection", second.next())).resolves.toBe("pong");
  });

  test("the reconnect schedule connects; an unknown payload is the callback's error", async () => {
    const { manager } = await startLiveEvents({ ws_url: server.url, reconnect_delay_seconds: "3600" });
    const first = await within(WAIT_MS, "the plugin's connection", server.nextClient());
    first.socket.close(1000, "bye");
    await first.closed;
    await untilConnected(2, () => runSchedule(manager, "reconnect", "live-events-reconnect", false));

    const unknown = runSchedule(manager, "other", "someone-elses", false);
    await expect(unknown).rejects.toBeInstanceOf(PluginCallError);
    await expect(unknown).rejects.toThrow('live-events: unknown schedule payload "other" (schedule someone-elses)');
  });

  test("a server that is down at load is not an error: the check connects once it is up", async () => {
    const port = server.port;
    await server.close();
    const { manager, lines } = await startLiveEvents({ ws_url: `ws://127.0.0.1:${port}/live` }, { websocket: localWebSocket(port) });
    expect(manager.list()[0]).toMatchObject({ state: "loaded" });
    expect(lines.some((line) => line.startsWith(`warn: [go-live-events] live-events: connecting to ws://127.0.0.1:${port}/live`))).toBe(true);

    server = await fakeWebSocketServer(port);
    await expect(runSchedule(manager, "check", "live-events-check", true)).resolves.toEqual({ error: "" });
    await within(WAIT_MS, "the plugin's connection", server.nextClient());
  });

  test("closing the manager closes the plugin's connection", async () => {
    const { manager } = await startLiveEvents({ ws_url: server.url });
    const client = await within(WAIT_MS, "the plugin's connection", server.nextClient());
    await manager.close();
    await within(WAIT_MS, "the connection to close", client.closed);
  });

  test("the shipped manifest does not allow the local network: the plugin loads but never reaches the server", async () => {
    const { manager, lines } = await startLiveEvents({ ws_url: server.url }, {});
    expect(manager.list()[0]).toMatchObject({ state: "loaded" });
    expect(lines.some((line) => line.includes("live-events: connecting to") && line.includes("loopback"))).toBe(true);
    expect(server.clients).toHaveLength(0);
  });
});

describe.skipIf(!built)("go-live-events's OnInit", () => {
  test("a missing ws_url is an OnInit error: list() tells it, the plugin stays loaded and connects nowhere", async () => {
    const { manager } = await startLiveEvents({});
    const [info] = manager.list();
    expect(info).toMatchObject({ name: "go-live-events", state: "loaded" });
    expect(info!.initError).toBeInstanceOf(PluginCallError);
    expect(info!.initError!.message).toContain('live-events: config ws_url must be a ws:// or wss:// URL, got ""');
    expect(manager.schedulerCallbacks().map((client) => client.pluginName)).toEqual(["go-live-events"]);
    expect(server.clients).toHaveLength(0);
  });

  test("a reconnect delay out of range is an OnInit error", async () => {
    const { manager } = await startLiveEvents({ ws_url: server.url, reconnect_delay_seconds: "0" });
    expect(manager.list()[0]!.initError!.message).toContain("reconnect_delay_seconds must be a whole number from 1 to 3600");
  });

  test("a cron expression the scheduler refuses is an OnInit error", async () => {
    const { manager } = await startLiveEvents({ ws_url: server.url, check_cron: "every five minutes" });
    const [info] = manager.list();
    expect(info!.state).toBe("loaded");
    expect(info!.initError!.message).toContain('live-events: scheduling the checks ("every five minutes")');
  });
});
