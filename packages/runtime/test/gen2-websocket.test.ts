import { PluginManager } from "@nd/runtime";
import { gen2Plugin, gen2WatPlugin, pluginsFolder } from "@nd/testing";
import { afterEach, expect, test } from "vitest";
import { fakeWebSocketServer, within, type FakeWebSocketServer } from "./examples/support/examples.js";
import { memoryLogger } from "./support/wat-plugins.js";

const managers: PluginManager[] = [];
const servers: FakeWebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Logs a callback's JSON request, so the test sees what the plugin was given. */
const logInput = (exportName: string) => `
  (func (export "${exportName}") (result i32)
    (call $log_info (call $to_block (i32.const 1024) (call $input (i32.const 1024))))
    (i32.const 0))`;

const SOCKET_PLUGIN = gen2WatPlugin(
  `(func (export "nd_test_connect") (result i32)
     (call $output (i32.const 8192) (call $from_block
       (call $connect (call $to_block (i32.const 1024) (call $input (i32.const 1024)))) (i32.const 8192)))
     (i32.const 0))
   ${logInput("nd_websocket_on_text_message")}
   ${logInput("nd_websocket_on_binary_message")}
   ${logInput("nd_websocket_on_close")}`,
  {
    imports: `(import "extism:host/user" "websocket_connect" (func $connect (param i64) (result i64)))
      (import "extism:host/env" "log_info" (func $log_info (param i64)))`,
  },
);

async function until(what: string, condition: () => boolean): Promise<void> {
  await within(5_000, what, (async () => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
  })());
}

test("messages from a real WebSocket server reach nd_websocket_on_* with v0.63's JSON requests", async () => {
  const server = await fakeWebSocketServer();
  servers.push(server);
  const { logger, lines } = memoryLogger();
  const folder = pluginsFolder([gen2Plugin("listener", SOCKET_PLUGIN, { websocket: { requiredHosts: ["127.0.0.1"] } })]);
  const manager = new PluginManager({ folder, workers: 1, logger });
  managers.push(manager);
  await manager.start();
  expect(manager.list()[0]?.capabilities).toEqual(["WebSocket"]);

  const request = JSON.stringify({ url: server.url, connectionId: "c1" });
  const answer = JSON.parse(new TextDecoder().decode(await manager.callExport("listener", "nd_test_connect", request)));
  expect(answer).toEqual({ newConnectionId: "c1" });
  const client = await server.nextClient();
  client.socket.send("hello");
  client.socket.send(Buffer.from([1, 2, 3]));
  client.socket.close(1000, "bye");

  const logged = () => lines.filter((line) => line.startsWith("info: [listener] {")).map((line) => JSON.parse(line.slice("info: [listener] ".length)));
  await until("three callbacks", () => logged().length === 3);
  // Each event is its own call on a fresh instance; their order is the service's concern.
  expect(logged()).toEqual(
    expect.arrayContaining([
      { connectionId: "c1", message: "hello" },
      { connectionId: "c1", data: Buffer.from([1, 2, 3]).toString("base64") },
      { connectionId: "c1", code: 1000, reason: "bye" },
    ]),
  );
});
