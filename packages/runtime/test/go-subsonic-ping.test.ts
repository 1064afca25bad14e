// A test plugin in TinyGo-compatible Go (test/fixtures/go-subsonic-ping), built here with the
// SDK's build script: the Go SDK's SubsonicAPI client, lowercased config keys and OnInit errors.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SubsonicApiHandler, SubsonicRequest } from "@nd/host-services";
import { PluginCallError, PluginManager } from "@nd/runtime";
import { goAvailableFor } from "@nd/testing";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { memoryLogger } from "./support/wat-plugins.js";

const FIXTURE = join(__dirname, "fixtures", "go-subsonic-ping");
const BUILD_SCRIPT = join(__dirname, "..", "..", "protocol", "go", "build-plugin.mjs");

const hasGo = goAvailableFor("the Go SubsonicAPI client tests (test/fixtures/go-subsonic-ping)");
let root: string;
const managers: PluginManager[] = [];
const received: SubsonicRequest[] = [];

const musicServer: SubsonicApiHandler = {
  user: async (username) => ({ nina: { isAdmin: false }, root: { isAdmin: true } })[username.toLowerCase()],
  call: async (request) => {
    received.push(request);
    return JSON.stringify({ "subsonic-response": { status: "ok", version: "1.16.1" } });
  },
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "nd-go-subsonic-ping-"));
  const folder = join(root, "go-subsonic-ping");
  mkdirSync(folder);
  const build = spawnSync(process.execPath, [BUILD_SCRIPT, "--dir", FIXTURE, "--out", join(folder, "plugin.wasm")], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`building the Go test plugin failed:\n${build.stdout}${build.stderr}`);
  copyFileSync(join(FIXTURE, "manifest.json"), join(folder, "manifest.json"));
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
  received.length = 0;
});

async function start(config: Record<string, string>) {
  const { logger, lines } = memoryLogger();
  const manager = new PluginManager({
    folder: root,
    workers: 1,
    logger,
    pluginConfig: { "go-subsonic-ping": config },
    hostServices: { subsonicapi: { handler: musicServer } },
  });
  managers.push(manager);
  await manager.start();
  return { manager, lines, biography: () => manager.call("go-subsonic-ping", "MetadataAgent", "GetArtistBiography", {}) };
}

describe.skipIf(!hasGo)("a Go plugin calling the SubsonicAPI service", () => {
  test("reads the key written `Account` as `account` and pings as that user", async () => {
    const { manager, biography } = await start({ Account: "Nina" });
    expect(manager.list()[0]).toMatchObject({ state: "loaded" });
    expect(manager.list()[0]!.initError).toBeUndefined();
    expect(JSON.parse(((await biography()) as { biography: string }).biography)).toEqual({
      "subsonic-response": { status: "ok", version: "1.16.1" },
    });
    expect(received.map((request) => [request.endpoint, request.params.toString()])).toEqual([
      ["ping", "u=Nina&c=go-subsonic-ping&f=json&v=1.16.1"],
    ]);
  });

  test("a user outside allowedUsernames gets the host's refusal, and nothing is called", async () => {
    const { biography } = await start({ ACCOUNT: "root" });
    await expect(biography()).rejects.toThrow('go-subsonic-ping: user "root" is not allowed: it is not in the allowedUsernames of the subsonicapi permission');
    expect(received).toEqual([]);
  });

  test("OnInit's error is logged and listed; the plugin stays loaded and answers", async () => {
    const { manager, lines, biography } = await start({});
    const [info] = manager.list();
    expect(info).toMatchObject({ name: "go-subsonic-ping", state: "loaded" });
    expect(info!.initError).toBeInstanceOf(PluginCallError);
    expect(info!.initError!.message).toBe("go-subsonic-ping: account is not set");
    expect(lines).toContain("error: plugin go-subsonic-ping: OnInit failed, the plugin stays loaded: go-subsonic-ping: account is not set");
    await expect(biography()).rejects.toThrow("go-subsonic-ping: account is not set");
    await expect(manager.call("go-subsonic-ping", "MetadataAgent", "GetArtistMBID", { name: "x" })).rejects.toMatchObject({
      kind: "PluginNotImplementedError",
    });
  });
});
