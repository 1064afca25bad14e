// The call's deadline ends the upstream work it started, an upload to a server that reads slowly included.
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { PluginManager, PluginTimeoutError } from "@nd/runtime";
import { pluginsFolder, watPlugin } from "@nd/testing";
import { afterEach, expect, test } from "vitest";
import { memoryLogger } from "./support/wat-plugins.js";

const MIB = 1024 * 1024;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Reads the first chunk of each connection, then nothing until `readOn()`; records the order of events and counts bytes. */
async function slowReader() {
  const events: string[] = [];
  const sockets = new Set<Socket>();
  let bytesRead = 0;
  let arrived!: () => void;
  const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("data", (chunk: Buffer) => {
      const length = /content-length: (\d+)/i.exec(chunk.toString("latin1"))?.[1];
      events.push(`upload of ${length} bytes began`);
      socket.pause();
      arrived();
    });
    socket.on("data", (chunk) => (bytesRead += chunk.byteLength));
    socket.on("close", () => events.push("connection closed"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const readOn = () => sockets.forEach((socket) => socket.resume());
  return { port: (server.address() as AddressInfo).port, events, requestArrived, readOn, bytesRead: () => bytesRead };
}

// GetArtistBiography POSTs 8 MiB to the URL in its request's id: the request's bytes (an
// HttpRequest's url is field 1 too) are copied to 65536 and followed by body (field 4, 8 MiB of zeros).
const uploader = watPlugin(
  `
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (local $at i32)
    (memory.copy (i32.const 65536) (local.get $ptr) (local.get $len))
    (local.set $at (i32.add (i32.const 65536) (local.get $len)))
    (i32.store8 (local.get $at) (i32.const 0x22))
    (i32.store (i32.add (local.get $at) (i32.const 1)) (i32.const 0x04808080))
    (drop (call $post (i32.const 65536) (i32.add (local.get $len) (i32.const ${5 + 8 * MIB}))))
    (i64.const 0))`,
  { imports: `(import "env" "post" (func $post (param i32 i32) (result i64)))`, memoryPages: 136 },
);

test("at the call's deadline an 8 MiB upload to a server that reads slowly stops, and its connection is closed", async () => {
  const upstream = await slowReader();
  const folder = pluginsFolder([{ name: "uploader", wasm: uploader, permissions: { http: { allowLocalNetwork: true } } }]);
  const manager = new PluginManager({ folder, workers: 1, callTimeoutMs: 1000, logger: memoryLogger().logger });
  cleanups.push(() => manager.close());
  await manager.start();
  const url = `http://127.0.0.1:${upstream.port}/upload`;
  const call = manager.call("uploader", "MetadataAgent", "GetArtistBiography", { id: url }).catch((error: Error) => {
    upstream.events.push("deadline");
    return error;
  });
  await upstream.requestArrived;
  expect(await call).toBeInstanceOf(PluginTimeoutError);
  upstream.readOn();
  await expect.poll(() => upstream.events).toContain("connection closed");
  expect(upstream.events.slice(0, 3)).toEqual([`upload of ${8 * MIB} bytes began`, "deadline", "connection closed"]);
  expect(upstream.bytesRead()).toBeLessThan(8 * MIB);
});
