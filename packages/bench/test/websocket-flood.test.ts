import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginInfo, PluginManager } from "@nd/runtime";
import { startFloodWsServer, type FloodWsServer } from "./support/flood-ws-server.js";
import { slowSocketPlugin } from "./support/hostile-plugins.js";
import { pluginsFolder } from "./support/wat-plugins.js";

const MIB = 1024 * 1024;
const FLOOD = 300;
let manager: PluginManager;
let server: FloodWsServer;

beforeAll(async () => {
  server = await startFloodWsServer(FLOOD, MIB);
  const folder = pluginsFolder([
    {
      name: "slow-socket",
      wasm: slowSocketPlugin(5_000_000),
      capabilities: ["MetadataAgent", "WebSocketCallback"],
      permissions: { websocket: { allowLocalNetwork: true } },
    },
  ]);
  manager = new PluginManager({ folder, workers: 2, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  await manager.start();
  expect(manager.list().map((p: PluginInfo) => p.error?.message ?? p.state)).toEqual(["loaded"]);
});

afterAll(async () => {
  await manager?.close();
  await server?.close();
});

describe("a server flooding 1 MiB messages at a slow plugin", () => {
  it(`delivers all ${FLOOD}, none dropped, while the host's RSS grows by less than 256 MiB`, async () => {
    const base = process.memoryUsage.rss();
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
    const connected = (await manager.call("slow-socket", "MetadataAgent", "GetArtistBiography", { id: server.url })) as {
      biography: string;
    };
    expect(connected.biography).toBe("x");
    await server.acked(FLOOD);
    clearInterval(sampler);
    console.info(`websocket flood of ${FLOOD} MiB: peak host RSS growth ${((peak - base) / MIB).toFixed(1)} MiB`);
    expect(server.acks()).toBe(FLOOD);
    expect(peak - base).toBeLessThan(256 * MIB);
  });
});
