import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHostServices } from "@nd/host-services";
import { PluginManager } from "@nd/runtime";
import { pluginsFolder } from "@nd/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { redisAvailableFor, startRedis, type TestRedis } from "../../host-services/test/support/redis-server.js";
import { memoryLogger } from "./support/wat-plugins.js";

const asEcho = readFileSync(join(__dirname, "../../../examples/as-echo/plugin.wasm"));

describe.skipIf(!redisAvailableFor("the shared-store cache test of the runtime"))("a plugin's cache in a shared store", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.close());

  test("a worker forwards its cache calls to the host's thread, and another host of the cluster reads what it stored", async () => {
    const store = { url: redis.url, timeoutMs: 2000 };
    const folder = pluginsFolder([{ name: "as-echo", wasm: asEcho, permissions: { cache: {} } }]);
    const manager = new PluginManager({ folder, workers: 1, logger: memoryLogger().logger, hostServices: { store } });
    const otherHost = createHostServices({ store });
    try {
      await manager.start();
      const [agent] = manager.metadataAgents();
      expect(await agent!.getArtistImages({ name: "Nina" })).toEqual({ images: [{ url: "https://images.example/Nina", size: 300 }] });
      const cache = otherHost.forPlugin({ name: "as-echo", permissions: { cache: {} }, config: {} }).cache!;
      expect(await cache.getString({ key: "image:Nina" })).toEqual({ exists: true, value: "https://images.example/Nina" });
    } finally {
      await manager.close();
      await otherHost.close();
    }
  });
});
