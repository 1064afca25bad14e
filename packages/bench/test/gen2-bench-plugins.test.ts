import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { PluginManager } from "@nd/runtime";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { bareGen2Call } from "../src/gen2-floor.js";
import { PEER_WASM, gen2CacheLoopFolder, gen2KvLoopFolder, peerEchoFolder } from "../src/gen2-plugins.js";
import { ndGen2Biography } from "../src/gen2.js";
import { ndKvSetGetMicros, storeKvSetGetMicros, tasksPerSecond } from "../src/store.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function managerOf(folder: string, dataFolder?: string): Promise<PluginManager> {
  const manager = new PluginManager({ folder, workers: 1, logger: quiet, hostServices: { store: { dataFolder } } });
  cleanups.push(async () => {
    await manager.close();
    rmSync(folder, { recursive: true, force: true });
  });
  await manager.start();
  return manager;
}

beforeAll(() => {
  if (existsSync(PEER_WASM)) return;
  const asc = fileURLToPath(new URL("../node_modules/.bin/asc", import.meta.url));
  const root = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(asc, ["peer/index.ts", "--outFile", "peer/plugin.wasm", "--use", "abort=peer/index/quietAbort", "--optimize"], { cwd: root });
}, 120_000);

describe("the generation-2 benchmark plugins", () => {
  it("answer the peer plugin's biography alike through nd and over the bare kernel", async () => {
    const manager = await managerOf(peerEchoFolder());
    expect(await ndGen2Biography(manager, "Nina Simone")).toBe("bio of Nina Simone");
    const bare = bareGen2Call(PEER_WASM);
    expect(bare("biography", "Nina Simone")).toBe("bio of Nina Simone");
    // images reads and writes a variable: the bare kernel starts each call with none.
    expect(bare("images", "Nina Simone")).toBe("https://images.example/Nina Simone");
    expect(bare("images", "Nina Simone")).toBe("https://images.example/Nina Simone");
  });

  it("the cache-loop plugin's gets are host calls: they run with the cache permission and trap without it", async () => {
    const granted = await managerOf(await gen2CacheLoopFolder());
    await granted.callExport("cache-loop-gen2", "nd_seed");
    expect(await granted.callExport("cache-loop-gen2", "nd_gets")).toEqual(new Uint8Array());
    const refused = await managerOf(await gen2CacheLoopFolder({}));
    await expect(refused.callExport("cache-loop-gen2", "nd_gets")).rejects.toThrow(/cache/);
  });
});

describe("the store benchmarks", () => {
  it("the kvstore loop plugin's rounds write its key to the plugin's SQLite file", async () => {
    const dataFolder = mkdtempSync(join(tmpdir(), "nd-bench-test-"));
    const manager = await managerOf(await gen2KvLoopFolder(), dataFolder);
    cleanups.push(async () => rmSync(dataFolder, { recursive: true, force: true }));
    await manager.callExport("kv-loop-gen2", "nd_kv");
    const db = new DatabaseSync(join(dataFolder, "plugin-state", "kv-loop-gen2", "state.db"), { readOnly: true });
    try {
      expect(db.prepare("SELECT key FROM kv").all()).toEqual([{ key: "k" }]);
    } finally {
      db.close();
    }
  });

  it("read back what kvstore_set wrote, on SQLite in memory", async () => {
    await expect(ndKvSetGetMicros({}, 2)).resolves.toBeGreaterThan(0);
  });

  it("read back through the store layer what it wrote, within the quota, into the plugin's own database file", async () => {
    const dataFolder = mkdtempSync(join(tmpdir(), "nd-bench-store-test-"));
    cleanups.push(async () => rmSync(dataFolder, { recursive: true, force: true }));
    await expect(storeKvSetGetMicros({ dataFolder }, 2)).resolves.toBeGreaterThan(0);
    const db = new DatabaseSync(join(dataFolder, "plugin-state", "bench-store-kv", "state.db"));
    try {
      expect(db.prepare("SELECT key FROM kv").all()).toEqual([{ key: "k" }]);
    } finally {
      db.close();
    }
  });

  it("count every task once it ran", async () => {
    await expect(tasksPerSecond([{}], 20)).resolves.toBeGreaterThan(0);
  });
});
