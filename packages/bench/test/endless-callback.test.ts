import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MethodMetrics, type PluginInfo, PluginManager } from "@nd/runtime";
import { endlessCallbackPlugin } from "./support/hostile-plugins.js";
import { pluginsFolder } from "./support/wat-plugins.js";

const WORKERS = 2;
let manager: PluginManager;

beforeAll(async () => {
  const folder = pluginsFolder([
    {
      name: "endless-callback",
      wasm: endlessCallbackPlugin(),
      capabilities: ["MetadataAgent", "SchedulerCallback"],
      permissions: { scheduler: {} },
    },
  ]);
  manager = new PluginManager({
    folder,
    workers: WORKERS,
    callTimeoutMs: 300,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  await manager.start();
  expect(manager.list().map((p: PluginInfo) => p.error?.message ?? p.state)).toEqual(["loaded"]);
});

afterAll(() => manager?.close());

const callbackMetrics = (): MethodMetrics | undefined =>
  manager.metrics("endless-callback").find((m: MethodMetrics) => m.method.includes("OnSchedulerCallback"));

describe("a plugin that never returns from a host callback", () => {
  it("is stopped at the deadline; the plugin and the pool go on", async () => {
    const length = async (id: string) =>
      ((await manager.call("endless-callback", "MetadataAgent", "GetArtistBiography", { id })) as { biography: string })
        .biography.length;
    expect(await length("s")).toBe(2);
    // The job is due now; wait (bounded by the test timeout) until its callback has been stopped.
    while (!callbackMetrics()?.timeouts) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(callbackMetrics()).toMatchObject({ calls: 1, timeouts: 1 });
    expect(await length("again")).toBe(2);
    // Threads started for fair share stay until their idle TTL; one thread at least is always back.
    expect(manager.poolStats()).toMatchObject({ busy: 0, inHostCalls: 0, queued: 0 });
    expect(manager.poolStats().threads).toBeGreaterThanOrEqual(1);
  }, 20_000);
});
