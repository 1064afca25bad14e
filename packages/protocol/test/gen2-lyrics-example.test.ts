// The example examples/as-gen2-lyrics, compiled with its own asconfig.json, called as
// Navidrome calls a Lyrics plugin, with LRCLIB (the public internet) answered in-test.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { gen2 } from "../src/index.js";
import { Gen2Compiler, flagsOf, packageDir } from "./support/compile-gen2.js";
import { TestKernel } from "./support/extism-kernel.js";

const exampleDir = join(packageDir, "..", "..", "examples", "as-gen2-lyrics");
const compiler = new Gen2Compiler();
let module: WebAssembly.Module;
let kernel: TestKernel;
let cache: Map<string, { value: string; ttlSeconds: number }>;

const SYNCED = "[00:01.00] Emotional landscapes\n[00:05.00] They puzzle me";

const track: gen2.TrackInfo = {
  id: "mf-1", title: "Jóga", album: "Homogenic", artist: "Björk & Co", albumArtist: "Björk",
  artists: [{ name: "Björk" }], albumArtists: [{ name: "Björk" }], duration: 305.4, trackNumber: 3, discNumber: 1,
};

/** LRCLIB as the plugin reaches it through http_send: status and JSON body. */
function lrclib(statusCode: number, body: unknown) {
  kernel.userFunctions.set("http_send", () => ({
    result: { statusCode, headers: { "Content-Type": "application/json" }, body: Buffer.from(JSON.stringify(body)).toString("base64") },
  }));
}

function getLyrics(): { rc: number; lyrics?: gen2.LyricsResponse; error: string | null } {
  const request: gen2.LyricsRequest = { track };
  const { rc, output, error } = kernel.call(module, gen2.CAPABILITIES.Lyrics.getLyrics, request);
  return { rc, error, ...(output ? { lyrics: JSON.parse(output) as gen2.LyricsResponse } : {}) };
}

beforeAll(async () => {
  const flags = flagsOf(join(exampleDir, "asconfig.json"));
  module = await compiler.compile(join(exampleDir, "assembly", "plugin.ts"), flags);
}, 120_000);

afterAll(() => compiler.dispose());

beforeEach(() => {
  kernel = new TestKernel();
  cache = new Map();
  kernel.userFunctions.set("cache_getstring", (request) => {
    const entry = cache.get((request as { key: string }).key);
    return entry ? { value: entry.value, exists: true } : {};
  });
  kernel.userFunctions.set("cache_setstring", (request) => {
    const { key, value, ttlSeconds } = request as { key: string; value: string; ttlSeconds: number };
    cache.set(key, { value, ttlSeconds });
    return {};
  });
  kernel.userFunctions.set("config_get", (request) => {
    const value = kernel.config.get((request as { key: string }).key);
    return value === undefined ? {} : { value, exists: true };
  });
});

describe("as-gen2-lyrics", () => {
  test("is a Lyrics and Lifecycle plugin importing only what its manifest grants", () => {
    const exported = WebAssembly.Module.exports(module).map((e) => e.name);
    expect(gen2.detectCapabilities(exported)).toEqual(["Lyrics", "Lifecycle"]);
    const imports = WebAssembly.Module.imports(module);
    expect(imports.every((i) => i.module === gen2.KERNEL_MODULE || i.module === gen2.USER_MODULE)).toBe(true);
    const permissions = imports
      .filter((i) => i.module === gen2.USER_MODULE)
      .map((i) => gen2.findHostFunction(i.name)?.permission);
    expect(new Set(permissions)).toEqual(new Set([null, "http", "cache"]));

    const manifest = JSON.parse(readFileSync(join(exampleDir, "manifest.json"), "utf8")) as {
      capabilities?: unknown;
      permissions: Record<string, { requiredHosts?: string[] }>;
    };
    expect(manifest.capabilities).toBeUndefined();
    expect(Object.keys(manifest.permissions).sort()).toEqual(["cache", "http"]);
    expect(manifest.permissions.http?.requiredHosts).toEqual(["lrclib.net"]);
  });

  test("asks LRCLIB once, prefers synced lyrics, and caches them for the configured hours", () => {
    lrclib(200, { id: 7, plainLyrics: "Emotional landscapes", syncedLyrics: SYNCED });
    kernel.config.set("cache_hours", "2");
    kernel.config.set("language", "eng");
    expect(getLyrics()).toEqual({ rc: 0, error: null, lyrics: { lyrics: [{ lang: "eng", text: SYNCED }] } });

    const sends = kernel.hostCalls.filter((c) => c.name === "http_send");
    expect(sends.map((c) => c.request)).toEqual([
      {
        request: {
          method: "GET",
          url: "https://lrclib.net/api/get?artist_name=Bj%C3%B6rk%20%26%20Co&track_name=J%C3%B3ga&album_name=Homogenic&duration=305",
          headers: { "User-Agent": "nd as-gen2-lyrics 0.1.0" },
          timeoutMs: 5000,
        },
      },
    ]);
    expect(cache.get("lyrics:mf-1")).toEqual({ value: SYNCED, ttlSeconds: 7200 });

    kernel.userFunctions.delete("http_send");
    expect(getLyrics().lyrics).toEqual({ lyrics: [{ lang: "eng", text: SYNCED }] });
  });

  test("falls back to plain lyrics; lang is left out when not configured", () => {
    lrclib(200, { plainLyrics: "la la", syncedLyrics: null });
    const result = kernel.call(module, "nd_lyrics_get_lyrics", { track });
    expect(result.output).toBe('{"lyrics":[{"text":"la la"}]}');
  });

  test("a track LRCLIB does not know answers an empty list, and the miss is cached too", () => {
    lrclib(404, { code: 404, name: "TrackNotFound" });
    expect(getLyrics()).toEqual({ rc: 0, error: null, lyrics: { lyrics: [] } });
    expect(cache.get("lyrics:mf-1")).toEqual({ value: "", ttlSeconds: 86_400 });
  });

  test("host and upstream failures are the call's error", () => {
    kernel.userFunctions.set("http_send", () => ({ error: 'host "lrclib.net" is not allowed' }));
    expect(getLyrics()).toEqual({ rc: -1, error: 'http_send: host "lrclib.net" is not allowed' });
    lrclib(503, "busy");
    expect(getLyrics()).toEqual({ rc: -1, error: "lrclib answered HTTP 503" });
    expect(cache.size).toBe(0);
  });

  test("nd_on_init checks cache_hours and logs the lifetime", () => {
    kernel.config.set("cache_hours", "12");
    expect(kernel.call(module, gen2.CAPABILITIES.Lifecycle.onInit)).toEqual({ rc: 0, output: "", error: null });
    expect(kernel.logs).toEqual([{ level: "info", message: "lyrics from LRCLIB, cached for 12 hours" }]);

    kernel.config.set("cache_hours", "1.5");
    expect(kernel.call(module, gen2.CAPABILITIES.Lifecycle.onInit).error).toBe("cache_hours must be a positive whole number");
  });

  test("logs below the host's level are not sent", () => {
    kernel.logLevel = 3;
    expect(kernel.call(module, gen2.CAPABILITIES.Lifecycle.onInit).rc).toBe(0);
    expect(kernel.logs).toEqual([]);
  });
});
