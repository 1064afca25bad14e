import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PluginManager } from "@nd/runtime";
import { goAvailableFor, pluginsFolder, watPlugin } from "@nd/testing";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { ECHO_BIOGRAPHY, memoryLogger } from "./support/wat-plugins.js";

// A Go plugin written as Navidrome plugins are, built with the examples' build script.
const FIXTURE = join(__dirname, "fixtures/go-navidrome-dialect");
const BUILD_SCRIPT = join(__dirname, "../../protocol/go/build-plugin.mjs");

const goTest = test.skipIf(!goAvailableFor("the Navidrome-dialect Go plugin tests (test/fixtures/go-navidrome-dialect)"));
let wasm: Uint8Array;
let upstream: Server;
let origin: string;
const ticks: string[] = [];
const managers: PluginManager[] = [];
const folders: string[] = [];

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), "nd-go-dialect-"));
  try {
    const build = spawnSync(process.execPath, [BUILD_SCRIPT, "--dir", FIXTURE, "--out", join(out, "plugin.wasm")], {
      encoding: "utf8",
    });
    if (build.status !== 0) throw new Error(`building the Go fixture failed:\n${build.stdout}${build.stderr}`);
    wasm = readFileSync(join(out, "plugin.wasm"));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  upstream = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://upstream");
    if (url.pathname === "/tick") ticks.push(url.searchParams.toString());
    response.setHeader("content-type", "application/json; charset=utf-8");
    response.setHeader("x-test", ["first", "second"]);
    response.end("{}");
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

async function startDialectPlugin() {
  const folder = pluginsFolder([
    {
      name: "Navidrome Dialect",
      folderName: "navidrome-dialect",
      wasm,
      capabilities: ["LifecycleManagement", "SchedulerCallback", "MetadataAgent"],
      permissions: {
        http: { reason: "reports ticks", allowLocalNetwork: true, allowedUrls: { [`${origin}/*`]: ["GET"] } },
        scheduler: {},
        config: {},
      },
    },
  ]);
  folders.push(folder);
  const { logger, lines } = memoryLogger();
  const manager = new PluginManager({
    folder,
    workers: 1,
    logger,
    pluginConfig: { "Navidrome Dialect": { tick_url: `${origin}/tick` } },
  });
  managers.push(manager);
  await manager.start();
  return { manager, lines };
}

goTest("OnInit schedules `@every 2s`, and the job runs again and again with its id and payload", async () => {
  const { manager, lines } = await startDialectPlugin();
  expect(manager.list()[0]).toMatchObject({ name: "Navidrome Dialect", state: "loaded" });
  await expect.poll(() => ticks.length, { timeout: 20_000, interval: 100 }).toBeGreaterThanOrEqual(2);
  expect(ticks.slice(0, 2)).toEqual(["id=heartbeat&payload=tick&recurring=true", "id=heartbeat&payload=tick&recurring=true"]);
  expect(lines.filter((line) => line.startsWith("error"))).toEqual([]);
});

goTest("a plugin reads Content-Type from a response by its canonical name", async () => {
  const { manager } = await startDialectPlugin();
  const answer = await manager.call("Navidrome Dialect", "MetadataAgent", "GetArtistBiography", { name: `${origin}/info` });
  expect(answer).toEqual({ biography: "application/json; charset=utf-8" });
});

goTest("a manifest with unknown fields loads; each one is logged as a warning", async () => {
  const manifest = {
    name: "Fake Artist Agent",
    author: "Navidrome",
    version: "1.0.0",
    description: "answers from memory",
    website: "not a URL",
    capabilities: ["MetadataAgent", "MetadataAgent"],
    permissions: { http: { allowedUrls: { "*": ["*"] }, allowedHosts: ["x"] } },
    homepage: "https://example.com",
  };
  const folder = pluginsFolder([{ name: "fake", wasm: watPlugin(ECHO_BIOGRAPHY), manifest }]);
  folders.push(folder);
  const { logger, lines } = memoryLogger();
  const manager = new PluginManager({ folder, workers: 1, logger });
  managers.push(manager);
  await manager.start();
  expect(manager.list()[0]).toMatchObject({ name: "Fake Artist Agent", state: "loaded" });
  expect(lines.filter((line) => line.startsWith("warn"))).toEqual([
    expect.stringMatching(/manifest\.json: the manifest has an unknown field "homepage", which is ignored$/),
    expect.stringMatching(/manifest\.json: permissions\.http has an unknown field "allowedHosts", which is ignored$/),
  ]);
});
