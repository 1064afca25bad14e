import { rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { type PluginError, PluginManager, PluginTimeoutError, type PluginManagerOptions } from "@nd/runtime";
import { pluginsFolder, watPlugin, type TestPlugin } from "@nd/testing";
import { afterEach, describe, expect, test } from "vitest";
import { heldUpstream } from "./support/held-upstream.js";
import { ECHO_BIOGRAPHY, FORWARD_ID_AS_URL, RUNAWAY, memoryLogger } from "./support/wat-plugins.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const fetcherWasm = watPlugin(FORWARD_ID_AS_URL("get").body, { imports: FORWARD_ID_AS_URL("get").imports });
const connectorWasm = watPlugin(FORWARD_ID_AS_URL("connect").body, { imports: FORWARD_ID_AS_URL("connect").imports });

function fetcher(name: string): TestPlugin {
  return { name, wasm: fetcherWasm, permissions: { http: { allowLocalNetwork: true } } };
}

async function startManager(plugins: TestPlugin[], options: Partial<PluginManagerOptions> = {}) {
  const folder = pluginsFolder(plugins);
  const manager = new PluginManager({ folder, workers: 2, logger: memoryLogger().logger, ...options });
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }), () => manager.close());
  await manager.start();
  return manager;
}

async function startUpstream() {
  const upstream = await heldUpstream();
  cleanups.push(() => upstream.close());
  return upstream;
}

const biography = (manager: PluginManager, plugin: string, id: string) =>
  manager.call(plugin, "MetadataAgent", "GetArtistBiography", { id });

describe("a call waiting in a host call holds no CPU slot", () => {
  test("64 calls of 8 plugins wait on their upstream at once, on 2 CPU slots", async () => {
    const upstream = await startUpstream();
    const names = Array.from({ length: 8 }, (_, i) => `fetcher-${i}`);
    const manager = await startManager(names.map(fetcher));
    const urls = names.flatMap((name) => Array.from({ length: 8 }, (_, i) => `${upstream.origin}/${name}/${i}`));
    const calls = urls.map((url, i) => biography(manager, names[i >> 3]!, url));
    await upstream.arrived(64);
    // the 8 calls of a plugin wait on one thread (their stacks suspended); a thread holds one plugin's calls
    expect(manager.poolStats()).toMatchObject({ threads: 8, cpuSlots: 2, busy: 0, inHostCalls: 64, queued: 0 });
    upstream.release();
    expect(await Promise.all(calls)).toEqual(urls.map((url) => ({ biography: url })));
    expect(upstream.events.slice(0, 64).every((event) => event.startsWith("arrived"))).toBe(true);
    expect(manager.poolStats()).toMatchObject({ busy: 0, inHostCalls: 0, queued: 0 });
  }, 30_000);

  test("64 waiting calls of 8 plugins hold no more threads than the CPU slots and their fair-share extras", async () => {
    const upstream = await startUpstream();
    const names = Array.from({ length: 8 }, (_, i) => `fetcher-${i}`);
    const manager = await startManager(names.map(fetcher), { workers: 4 });
    const urls = names.flatMap((name) => Array.from({ length: 8 }, (_, i) => `${upstream.origin}/${name}/${i}`));
    const calls = urls.map((url, i) => biography(manager, names[i >> 3]!, url));
    await upstream.arrived(64);
    const { threads, ...waiting } = manager.poolStats();
    expect(waiting).toEqual({ cpuSlots: 4, busy: 0, inHostCalls: 64, idle: 0, queued: 0 });
    expect(threads).toBeLessThanOrEqual(2 * 4);
    upstream.release();
    expect(await Promise.all(calls)).toEqual(urls.map((url) => ({ biography: url })));
    expect(manager.poolStats()).toMatchObject({ busy: 0, inHostCalls: 0, queued: 0 });
  }, 30_000);

  test("maxThreads caps the calls begun host-wide; the others wait in the queue", async () => {
    const upstream = await startUpstream();
    const manager = await startManager([fetcher("a"), fetcher("b"), fetcher("c")], { workers: 1, maxThreads: 2 });
    const calls = ["a", "b", "c"].map((name) => biography(manager, name, `${upstream.origin}/${name}`));
    await upstream.arrived(2);
    expect(manager.poolStats()).toMatchObject({ threads: 2, inHostCalls: 2, queued: 1 });
    upstream.release();
    await upstream.arrived(3);
    upstream.release();
    await Promise.all(calls);
    expect(upstream.events.map((event) => event.split(" ")[0])).toEqual(["arrived", "arrived", "answered", "answered", "arrived", "answered"]);
  });

  test("calls that never wait in a host call start no more threads than the CPU slots can run", async () => {
    const echo = watPlugin(ECHO_BIOGRAPHY);
    const names = Array.from({ length: 20 }, (_, i) => `echo-${i}`);
    const manager = await startManager(names.map((name) => ({ name, wasm: echo })), { workers: 1 });
    await Promise.all(names.flatMap((name) => [1, 2, 3].map((i) => biography(manager, name, `${name}-${i}`))));
    // one CPU slot, and one fair-share slot for a plugin with nothing on the CPU
    expect(manager.poolStats().threads).toBeLessThanOrEqual(2);
  });

  test("maxThreads below workers is refused, naming both", () => {
    expect(() => new PluginManager({ folder: "/nowhere", workers: 4, maxThreads: 2 })).toThrow(
      new RangeError("PluginManager option maxThreads (2) must be at least workers (4)"),
    );
  });

  test("maxInstancesPerPlugin caps one plugin's calls in flight", async () => {
    const upstream = await startUpstream();
    const manager = await startManager([fetcher("a")], { maxInstancesPerPlugin: 2 });
    const calls = [1, 2, 3].map((i) => biography(manager, "a", `${upstream.origin}/${i}`));
    await upstream.arrived(2);
    expect(manager.poolStats()).toMatchObject({ inHostCalls: 2, queued: 0 });
    upstream.release();
    await upstream.arrived(3);
    upstream.release();
    await Promise.all(calls);
    expect(upstream.events.map((event) => event.split(" ")[0])).toEqual(["arrived", "arrived", "answered", "answered", "arrived", "answered"]);
  });

  test("threads started for a storm retire once idle, down to the CPU slots", async () => {
    const upstream = await startUpstream();
    const names = Array.from({ length: 8 }, (_, i) => `fetcher-${i}`);
    const manager = await startManager(names.map(fetcher), { instanceIdleTtlMs: 1000 });
    const calls = names.map((name) => biography(manager, name, `${upstream.origin}/${name}`));
    await upstream.arrived(8);
    // a thread holds waiting calls of one plugin only: one thread per plugin waiting
    expect(manager.poolStats()).toMatchObject({ threads: 8, inHostCalls: 8 });
    upstream.release();
    await Promise.all(calls);
    await expect.poll(() => manager.poolStats(), { timeout: 10_000, interval: 200 }).toMatchObject({ threads: 2, idle: 2 });
  });

  test("plugins whose calls waited lately find a thread each when their calls come at once; the threads retire after", async () => {
    const upstream = await startUpstream();
    const names = ["a", "b", "c"];
    const manager = await startManager(names.map(fetcher), { workers: 1, instanceIdleTtlMs: 1000 });
    for (const name of names) {
      const call = biography(manager, name, `${upstream.origin}/${name}/first`);
      await upstream.arrived(upstream.events.filter((event) => event.startsWith("arrived")).length + 1);
      upstream.release();
      await call;
    }
    // one call at a time needed one thread; the others were started while the calls waited
    await expect.poll(() => manager.poolStats()).toMatchObject({ threads: 3, idle: 3 });
    const burst = names.map((name) => biography(manager, name, `${upstream.origin}/${name}/burst`));
    await upstream.arrived(6);
    expect(manager.poolStats()).toMatchObject({ threads: 3, inHostCalls: 3 });
    upstream.release();
    await Promise.all(burst);
    await expect.poll(() => manager.poolStats(), { timeout: 10_000, interval: 200 }).toMatchObject({ threads: 1, idle: 1 });
  });
});

describe("fair share", () => {
  test("plugin B answers while plugin A's 8 calls wait on a hung upstream", async () => {
    const upstream = await startUpstream();
    const manager = await startManager([fetcher("a"), { name: "b", wasm: watPlugin(ECHO_BIOGRAPHY) }], { callTimeoutMs: 2000 });
    const order: string[] = [];
    const hung = Array.from({ length: 8 }, (_, i) =>
      biography(manager, "a", `${upstream.origin}/${i}`).catch((error: unknown) => {
        order.push("A ended");
        return error;
      }),
    );
    await upstream.arrived(8);
    await expect(biography(manager, "b", "meanwhile")).resolves.toEqual({ biography: "meanwhile" });
    order.push("B answered");
    for (const error of await Promise.all(hung)) expect(error).toBeInstanceOf(PluginTimeoutError);
    expect(order).toEqual(["B answered", ...Array(8).fill("A ended")]);
    // The deadline ended the pending requests too: the upstream saw each connection closed.
    await expect.poll(() => upstream.events.filter((event) => event.startsWith("closed")).length).toBe(8);
    expect(upstream.events.filter((event) => event.startsWith("answered"))).toEqual([]);
  });

  test("plugin B answers while plugin A runs 8 runaway loops on every CPU slot", async () => {
    const manager = await startManager(
      [{ name: "a", wasm: watPlugin(RUNAWAY) }, { name: "b", wasm: watPlugin(ECHO_BIOGRAPHY) }],
      { callTimeoutMs: 1500 },
    );
    const order: string[] = [];
    const runaways = Array.from({ length: 8 }, () => biography(manager, "a", "").catch(() => order.push("A ended")));
    await expect.poll(() => manager.poolStats().busy).toBe(2);
    await expect(biography(manager, "b", "meanwhile")).resolves.toEqual({ biography: "meanwhile" });
    order.push("B answered");
    await Promise.all(runaways);
    expect(order).toEqual(["B answered", ...Array(8).fill("A ended")]);
    expect(manager.poolStats()).toMatchObject({ busy: 0, inHostCalls: 0, queued: 0 });
  }, 20_000);
});

describe("deadlines end the host work a call started", () => {
  test("a WebSocket handshake pending at the deadline is cut", async () => {
    const events: string[] = [];
    const silent = createServer((socket: Socket) => {
      socket.once("data", () => events.push("handshake arrived"));
      socket.on("close", () => events.push("connection closed"));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const url = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/socket`;
    const manager = await startManager(
      [{ name: "connector", wasm: connectorWasm, permissions: { websocket: { allowLocalNetwork: true } } }],
      { callTimeoutMs: 1000 },
    );
    await expect(biography(manager, "connector", url)).rejects.toBeInstanceOf(PluginTimeoutError);
    events.push("call timed out");
    await expect.poll(() => events).toContain("connection closed");
    expect(events).toEqual(["handshake arrived", "call timed out", "connection closed"]);
  });

  test("close() ends runaway calls and hung host calls after its grace period, not at their deadline", async () => {
    const upstream = await startUpstream();
    const manager = await startManager([{ name: "loop", wasm: watPlugin(RUNAWAY) }, fetcher("a")], {
      callTimeoutMs: 60_000,
      closeGraceMs: 200,
    });
    const order: string[] = [];
    const ended = (what: string) => (error: PluginError) => order.push(`${what} ended: ${error.kind}`);
    const runaway = biography(manager, "loop", "").catch(ended("runaway"));
    const hung = biography(manager, "a", `${upstream.origin}/hung`).catch(ended("hung call"));
    await upstream.arrived(1);
    await expect.poll(() => manager.poolStats()).toMatchObject({ busy: 1, inHostCalls: 1 });
    let deadline: NodeJS.Timeout | undefined;
    const deadlinePassed = new Promise<void>((resolve) => (deadline = setTimeout(resolve, 60_000)));
    await Promise.race([manager.close().then(() => order.push("closed")), deadlinePassed.then(() => order.push("deadline"))]);
    clearTimeout(deadline);
    await Promise.all([runaway, hung]);
    expect(order.sort()).toEqual(["closed", "hung call ended: PluginUnavailableError", "runaway ended: PluginUnavailableError"]);
    await expect.poll(() => upstream.events).toEqual([`arrived /hung`, `closed /hung`]);
  });
});
