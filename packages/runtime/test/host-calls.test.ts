import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { PluginLoadError, PluginManager, PluginTimeoutError, PluginTrapError } from "@nd/runtime";
import { afterEach, expect, test } from "vitest";
import { CACHE_KEY_K, CACHE_STRING_IMPORTS, mbidRequiresCachedK, pluginsFolder, watPlugin } from "@nd/testing";
import { memoryLogger } from "./support/wat-plugins.js";

const asEcho = readFileSync(join(__dirname, "../../../examples/as-echo/plugin.wasm"));
const managers: PluginManager[] = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function start(folder: string) {
  const { logger, lines } = memoryLogger();
  const manager = new PluginManager({ folder, workers: 2, logger });
  managers.push(manager);
  await manager.start();
  return { manager, lines };
}

test("a compiled AssemblyScript plugin calls the cache host service from its worker", async () => {
  const folder = pluginsFolder([{ name: "as-echo", wasm: asEcho, permissions: { cache: {} } }]);
  const { manager } = await start(folder);
  const [agent] = manager.metadataAgents();
  const first = await agent!.getArtistImages({ name: "Nina" });
  expect(first.images).toEqual([{ url: "https://images.example/Nina", size: 300 }]);
  const again = await agent!.getArtistImages({ name: "Nina" });
  expect(again).toEqual(first);
});

test("each plugin's cache is its own", async () => {
  const folder = pluginsFolder([
    { name: "one", wasm: asEcho, permissions: { cache: {} } },
    { name: "two", wasm: asEcho, permissions: { cache: {} } },
  ]);
  const { manager } = await start(folder);
  for (const agent of manager.metadataAgents()) {
    await expect(agent.getArtistImages({ name: agent.pluginName })).resolves.toMatchObject({
      images: [{ url: `https://images.example/${agent.pluginName}` }],
    });
  }
});

test("a host call with a pointer outside the plugin's memory stops the call, not the host", async () => {
  const wild = watPlugin(
    `(func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
       (call $get_string (i32.const 0x7fff0000) (i32.const 4096)))`,
    { imports: `(import "env" "get_string" (func $get_string (param i32 i32) (result i64)))` },
  );
  const { manager } = await start(pluginsFolder([{ name: "wild", wasm: wild, permissions: { cache: {} } }]));
  const failure = manager.call("wild", "MetadataAgent", "GetArtistBiography", {});
  await expect(failure).rejects.toBeInstanceOf(PluginTrapError);
  await expect(failure).rejects.toThrow("outside its");
});

test("garbage sent to a host function is refused with an error", async () => {
  const garbage = watPlugin(
    `(data (i32.const 512) "\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\ff")
     (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
       (call $get_string (i32.const 512) (i32.const 11)))`,
    { imports: `(import "env" "get_string" (func $get_string (param i32 i32) (result i64)))` },
  );
  const { manager } = await start(pluginsFolder([{ name: "garbage", wasm: garbage, permissions: { cache: {} } }]));
  await expect(manager.call("garbage", "MetadataAgent", "GetArtistBiography", {})).rejects.toThrow("env.get_string failed");
});

test("cache values of hundreds of KiB cross intact", async () => {
  const { manager } = await start(pluginsFolder([{ name: "as-echo", wasm: asEcho, permissions: { cache: {} } }]));
  const [agent] = manager.metadataAgents();
  const name = "n".repeat(400 * 1024);
  // First call: set_string stores the 400 KiB URL; second: get_string brings it back.
  const first = await agent!.getArtistImages({ name });
  const second = await agent!.getArtistImages({ name });
  expect(first.images[0]?.url).toBe(`https://images.example/${name}`);
  expect(second).toEqual(first);
});

test("a host call whose request and reply are larger than the host slot of the channel still crosses intact", async () => {
  const size = 400 * 1024;
  let receivedBytes = -1;
  const server = createServer((request, response) => {
    let length = 0;
    request.on("data", (chunk: Buffer) => (length += chunk.length));
    request.on("end", () => {
      receivedBytes = length;
      response.end(Buffer.alloc(size, "y"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/big`;
    // HttpRequest { url = 1; body = 4 }: the fixed part in a data segment, then `size` bytes of "x".
    const head = [0x0a, url.length, ...Buffer.from(url), 0x22, ...varint(size)];
    const escaped = head.map((byte) => `\\${byte.toString(16).padStart(2, "0")}`).join("");
    const poster = watPlugin(
      `(data (i32.const 512) "${escaped}")
       (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
         (local $reply i64)
         (memory.fill (i32.const ${512 + head.length}) (i32.const 120) (i32.const ${size}))
         (local.set $reply (call $post (i32.const 512) (i32.const ${head.length + size})))
         ;; the HttpResponse must hold the whole body
         (if (i64.lt_u (i64.and (local.get $reply) (i64.const 0xffffffff)) (i64.const ${size})) (then unreachable))
         (i64.const 0))`,
      { imports: `(import "env" "post" (func $post (param i32 i32) (result i64)))`, memoryPages: 32, heapStart: 1024 * 1024 },
    );
    const permissions = { http: { allowLocalNetwork: true, allowedUrls: { [`${url}`]: ["POST"] } } };
    const { manager } = await start(pluginsFolder([{ name: "poster", wasm: poster, permissions }]));
    await expect(manager.call("poster", "MetadataAgent", "GetArtistBiography", {})).resolves.toEqual({ biography: "" });
    expect(receivedBytes).toBe(size);
  } finally {
    server.close();
  }
});

function varint(value: number): number[] {
  const bytes: number[] = [];
  for (; value >= 0x80; value >>>= 7) bytes.push((value & 0x7f) | 0x80);
  return [...bytes, value];
}

test("a worker killed in the middle of cache calls leaves the plugin's cache usable", async () => {
  // GetArtistBiography stores k forever; GetArtistMBID stores k and traps unless it reads it back.
  const locker = watPlugin(
    `${CACHE_KEY_K}
     (func (export "metadata_agent_get_artist_biography") (param i32) (param i32) (result i64)
       (loop $forever (call $store_k) (br $forever))
       (i64.const 0))
     ${mbidRequiresCachedK(true)}`,
    { imports: CACHE_STRING_IMPORTS, memoryPages: 256 },
  );
  const stopped = workerStops();
  const manager = new PluginManager({
    folder: pluginsFolder([{ name: "locker", wasm: locker, permissions: { cache: {} } }]),
    workers: 2,
    callTimeoutMs: 200,
    logger: stopped.logger,
  });
  managers.push(manager);
  // Every call past the deadline kills its worker. On a busy machine loading, or a call that lands on a
  // fresh worker, may also overrun: such a timeout says nothing about the cache, so it is retried once
  // the killed worker has stopped. A stuck lock shows as a trap (the get misses), never as a timeout.
  let kills = 0;
  const afterKill = async (error: unknown) => {
    const loadTimedOut = error instanceof PluginLoadError && error.message.endsWith("failed (timeout)");
    if (!(error instanceof PluginTimeoutError) && !loadTimedOut) throw error;
    await stopped.count(++kills);
  };
  await manager.start();
  for (let info = manager.list()[0]; info?.state !== "loaded"; info = await manager.reload("locker")) await afterKill(info?.error);
  const answered = async (method: string) => {
    for (;;) {
      try {
        return await manager.call("locker", "MetadataAgent", method, {});
      } catch (error) {
        await afterKill(error);
      }
    }
  };
  // About four kills in ten land while the worker holds the cache lock (measured), so ten rounds catch a stuck lock.
  // Until the killed thread has stopped, its lock may still hold the cache (a call then misses, by design);
  // once it has stopped, the cache must answer again: each check waits for that event, not for a time.
  for (let round = 0; round < 10; round++) {
    await expect(manager.call("locker", "MetadataAgent", "GetArtistBiography", {})).rejects.toBeInstanceOf(PluginTimeoutError);
    await stopped.count(++kills);
    await expect(answered("GetArtistMBID")).resolves.toEqual({ mbid: "" });
  }
});

/** A logger that counts the manager's "worker thread stopped" events; `count(n)` resolves once n happened. */
function workerStops() {
  let stops = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const logger = {
    ...memoryLogger().logger,
    debug: (message: string) => {
      if (!/^worker thread \d+ stopped/.test(message)) return;
      stops++;
      for (const waiter of waiters.filter((w) => w.n <= stops)) waiter.resolve();
    },
  };
  const count = (n: number) => new Promise<void>((resolve) => (n <= stops ? resolve() : waiters.push({ n, resolve })));
  return { logger, count };
}
