import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginInfo, PluginManager, PluginTimeoutError } from "@nd/runtime";
import { tableBombPlugin } from "./support/hostile-plugins.js";
import { AS_ECHO_FOLDER, pluginsFolder } from "./support/wat-plugins.js";

const MIB = 1024 * 1024;
const DEFAULT_MAX_TABLE_ELEMENTS = 262_144;
let manager: PluginManager;

beforeAll(async () => {
  const folder = pluginsFolder(
    [
      { name: "bomb-8", wasm: tableBombPlugin(8, 10_000) },
      { name: "bomb-40", wasm: tableBombPlugin(40, 1000) },
      { name: "bomb-small-steps", wasm: tableBombPlugin(8, 100) },
    ],
    { "as-echo": AS_ECHO_FOLDER },
  );
  // The situation of issue 11: a 64 MiB memory cap, every other limit at its default.
  manager = new PluginManager({
    folder,
    workers: 2,
    callTimeoutMs: 2_000,
    memoryLimitBytes: 64 * MIB,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  await manager.start();
  expect(manager.list().map((p: PluginInfo) => p.error?.message ?? p.state)).toEqual(["loaded", "loaded", "loaded", "loaded"]);
});

afterAll(() => manager?.close());

async function biography(plugin: string, id: string): Promise<string> {
  return ((await manager.call(plugin, "MetadataAgent", "GetArtistBiography", { id })) as { biography: string }).biography;
}

/** Runs `work` while sampling the process's RSS; answers its outcome and the peak growth. */
async function peakRssGrowth(work: () => Promise<unknown>): Promise<{ outcome: unknown; growth: number }> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const outcome = await work().catch((error: unknown) => error);
  clearInterval(sampler);
  return { outcome, growth: Math.max(peak, process.memoryUsage.rss()) - base };
}

describe("a plugin growing externref tables", () => {
  // The cap's 262 144 entries are shared evenly: 32 768 per table of 8, 6 553 per table of 40.
  it.each([
    ["bomb-8", 8 * 30_000],
    ["bomb-40", 40 * 6_000],
    ["bomb-small-steps", 8 * 32_700],
  ])("%s gets no more entries than the cap, in all", async (plugin, entries) => {
    expect((await biography(plugin, "a")).length).toBe(entries);
    expect(entries).toBeLessThanOrEqual(DEFAULT_MAX_TABLE_ELEMENTS);
  });

  it.each(["bomb-8", "bomb-40"])(
    "%s growing forever is stopped at its deadline with the host's RSS growing by less than 256 MiB",
    async (plugin) => {
      const { outcome, growth } = await peakRssGrowth(() => Promise.all([biography(plugin, "x"), biography(plugin, "y")]));
      console.info(`${plugin}: peak host RSS growth ${(growth / MIB).toFixed(1)} MiB`);
      expect(outcome).toBeInstanceOf(PluginTimeoutError);
      expect(growth).toBeLessThan(256 * MIB);
      expect(await biography("as-echo", "")).toBe("bio of ");
    },
  );
});
