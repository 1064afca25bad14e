import { rmSync } from "node:fs";
import { PluginManager, PluginTimeoutError, type PluginManagerOptions } from "@nd/runtime";
import { pluginsFolder, watPlugin, type TestPlugin } from "@nd/testing";
import { afterEach, describe, expect, test } from "vitest";
import { heldUpstream } from "./support/held-upstream.js";
import { COMMAND, FORWARD_ID_AS_URL, memoryLogger } from "./support/wat-plugins.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** GetArtistBiography loops forever when its id starts with "l", else GETs the id as a URL and answers it back. */
const LOOP_OR_FETCH = `
  (func (export "metadata_agent_get_artist_biography") (param $ptr i32) (param $len i32) (result i64)
    (if (i32.eq ${COMMAND} (i32.const 0x6c)) (then (loop $forever (br $forever))))
    (drop (call $get (local.get $ptr) (local.get $len)))
    (call $pack (local.get $ptr) (local.get $len)))`;
const http = { http: { allowLocalNetwork: true } };
const loopOrFetch = watPlugin(LOOP_OR_FETCH, { imports: FORWARD_ID_AS_URL("get").imports });
const fetcher = watPlugin(FORWARD_ID_AS_URL("get").body, { imports: FORWARD_ID_AS_URL("get").imports });

async function startManager(plugins: TestPlugin[], options: Partial<PluginManagerOptions>) {
  const folder = pluginsFolder(plugins);
  const manager = new PluginManager({ folder, workers: 1, logger: memoryLogger().logger, ...options });
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

describe("calls suspended in host calls", () => {
  test("a call whose deadline passes in a host call ends alone: its thread and the plugin's other call on it go on", async () => {
    const upstream = await startUpstream();
    const manager = await startManager([{ name: "a", wasm: fetcher, permissions: http }], { callTimeoutMs: 1500 });
    const order: string[] = [];
    const late = biography(manager, "a", `${upstream.origin}/late`).catch((error: unknown) => {
      order.push("late call ended");
      return error;
    });
    await upstream.arrived(1);
    // begun later, so its deadline comes later
    await new Promise((resolve) => setTimeout(resolve, 500));
    const other = biography(manager, "a", `${upstream.origin}/other`).then((answer) => {
      order.push("other call answered");
      return answer;
    });
    await upstream.arrived(2);
    expect(manager.poolStats()).toMatchObject({ threads: 1, inHostCalls: 2 });
    expect(await late).toBeInstanceOf(PluginTimeoutError);
    await expect.poll(() => upstream.events).toContain("closed /late");
    upstream.release();
    expect(await other).toEqual({ biography: `${upstream.origin}/other` });
    expect(order).toEqual(["late call ended", "other call answered"]);
    expect(manager.poolStats()).toMatchObject({ threads: 1, busy: 0, inHostCalls: 0, queued: 0 });
  });

  test("a runaway call's deadline stops its thread only: another plugin's call waiting in a host call goes on", async () => {
    const upstream = await startUpstream();
    const manager = await startManager(
      [
        { name: "b", wasm: fetcher, permissions: http },
        { name: "loop", wasm: loopOrFetch, permissions: http },
      ],
      { callTimeoutMs: 1500 },
    );
    const runaway = biography(manager, "loop", "loop").catch((error: unknown) => error);
    await expect.poll(() => manager.poolStats().busy).toBe(1);
    // begun later, so its deadline comes after the runaway's
    await new Promise((resolve) => setTimeout(resolve, 500));
    const waiting = biography(manager, "b", `${upstream.origin}/b`);
    await upstream.arrived(1);
    // one CPU slot, taken by the runaway: the waiting call's thread was started for it (fair share)
    expect(manager.poolStats()).toMatchObject({ threads: 2, busy: 1, inHostCalls: 1 });
    expect(await runaway).toBeInstanceOf(PluginTimeoutError);
    upstream.release();
    expect(await waiting).toEqual({ biography: `${upstream.origin}/b` });
    expect(manager.poolStats()).toMatchObject({ threads: 1, busy: 0, inHostCalls: 0, queued: 0 });
  });

  test("a plugin's calls that wait in host calls share one thread, each on its own instance", async () => {
    const upstream = await startUpstream();
    const manager = await startManager([{ name: "a", wasm: fetcher, permissions: http }], { callTimeoutMs: 10_000 });
    const urls = Array.from({ length: 8 }, (_, i) => `${upstream.origin}/${i}`);
    const calls = urls.map((url) => biography(manager, "a", url));
    await upstream.arrived(8);
    expect(manager.poolStats()).toMatchObject({ threads: 1, busy: 0, inHostCalls: 8, queued: 0 });
    upstream.release();
    expect(await Promise.all(calls)).toEqual(urls.map((url) => ({ biography: url })));
  });
});

