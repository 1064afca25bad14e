// The Subsonic forwarder of `nd serve` against a real server on 127.0.0.1 that drips its answer.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import { subsonicForwarder } from "../src/serve/subsonic-forwarder.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Answers 200 with headers at once, then one byte every 20 ms, forever; records the order of events. */
async function drippingServer() {
  const events: string[] = [];
  let started!: () => void;
  const answerStarted = new Promise<void>((resolve) => (started = resolve));
  const responses = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    responses.add(response);
    response.writeHead(200, { "content-type": "application/json" });
    response.write("{");
    const drip = setInterval(() => response.write(" "), 20);
    request.socket.once("close", () => {
      clearInterval(drip);
      events.push("connection closed");
    });
    events.push("answer started");
    started();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => {
    for (const response of responses) response.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, events, answerStarted };
}

test("the call's end stops reading a drip-fed answer and closes the connection to the Subsonic server", async () => {
  const server = await drippingServer();
  const forwarder = subsonicForwarder({ url: server.url, users: { nina: { password: "p", admin: false } } });
  const controller = new AbortController();
  const call = forwarder.call({ endpoint: "ping", params: new URLSearchParams(), username: "nina", pluginName: "p", signal: controller.signal });
  const failed = call.then(
    () => "answered",
    () => "failed",
  );
  await server.answerStarted;
  server.events.push("deadline");
  controller.abort(new Error("the plugin call that made it ended"));
  expect(await failed).toBe("failed");
  await expect.poll(() => server.events).toContain("connection closed");
  expect(server.events).toEqual(["answer started", "deadline", "connection closed"]);
});
