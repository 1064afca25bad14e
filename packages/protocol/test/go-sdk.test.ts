// The Go SDK: its native `go test` suite, and the two Go examples built to real
// .wasm and driven through the wire contract by a minimal WASI host, with the
// host side encoded and decoded by this package's TypeScript codecs.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goAvailableFor } from "@nd/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  API_VERSION,
  CAPABILITIES,
  PLUGIN_EXPORTS,
  STANDARD_ERRORS,
  api,
  config,
  encodeMessage,
  http,
  scheduler,
  websocket,
  type CapabilityName,
  type MessageCodec,
} from "../src/index.js";
import {
  PluginInstance,
  buildGoPlugin,
  compile,
  envImportsOf,
  exportNamesOf,
  goModuleDir,
  repoRoot,
  type CallResult,
  type HostFunctionImpl,
  type WasmModule,
} from "./go-harness.js";

const hasGo = goAvailableFor("the Go SDK tests (go vet, go test, the Go examples built to wasm)", ["go"]);
const MBID = "76df3287-6cda-33eb-8e9a-044b5e15ffdd";

function response<T>(result: CallResult, codec: MessageCodec<T>): T {
  if (result.kind !== "response") throw new Error(`expected a response, got ${JSON.stringify(result)}`);
  return codec.decode(result.bytes);
}

function exportsFor(capabilities: CapabilityName[]): string[] {
  return capabilities.flatMap((name) => [
    CAPABILITIES[name].apiVersionExport,
    ...Object.values(CAPABILITIES[name].methods).map((method) => method.exportName),
  ]);
}

describe.skipIf(!hasGo)("Go SDK", () => {
  test("go vet and go test pass on the native build of the SDK", () => {
    for (const args of [["vet", "./..."], ["test", "./..."]]) {
      const result = spawnSync("go", args, { cwd: goModuleDir, encoding: "utf8" });
      expect(result.status, `go ${args.join(" ")}:\n${result.stdout}${result.stderr}`).toBe(0);
    }
  }, 120_000);

  test("the generated code is gofmt-clean", () => {
    const result = spawnSync("gofmt", ["-l", "gen"], { cwd: goModuleDir, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("");
  });

  describe("examples built to wasm", () => {
    let outDir: string;
    let coverart: WasmModule;
    let liveEvents: WasmModule;

    beforeAll(() => {
      outDir = mkdtempSync(join(tmpdir(), "nd-go-sdk-"));
      for (const name of ["go-coverart", "go-live-events"]) {
        buildGoPlugin(join(repoRoot, "examples", name), join(outDir, `${name}.wasm`));
      }
      coverart = compile(join(outDir, "go-coverart.wasm"));
      liveEvents = compile(join(outDir, "go-live-events.wasm"));
    }, 300_000);

    afterAll(() => rmSync(outDir, { recursive: true, force: true }));

    test("the plugin of the Go guide builds and answers as the guide says", () => {
      const guide = readFileSync(join(goModuleDir, "README.md"), "utf8");
      const source = /```go\n([\s\S]*?)```/.exec(guide)?.[1];
      const goMod = /```\n(module [\s\S]*?)```/.exec(guide)?.[1];
      expect(source).toContain("metadataagent.Register");
      const dir = join(outDir, "guide-plugin");
      mkdirSync(dir);
      writeFileSync(join(dir, "main.go"), source!);
      writeFileSync(join(dir, "go.mod"), goMod!.replace("../../packages/protocol/go", goModuleDir));
      buildGoPlugin(dir, join(dir, "plugin.wasm"));
      const plugin = PluginInstance.create(compile(join(dir, "plugin.wasm")), {});
      const biography = (name: string) =>
        plugin.call(
          CAPABILITIES.MetadataAgent.methods.GetArtistBiography!.exportName,
          encodeMessage(api.ArtistBiographyRequest, { id: "1", name, mbid: "" }),
        );
      expect(response(biography("Nina"), api.ArtistBiographyResponse)).toEqual({ biography: "Nina makes music." });
      expect(biography("")).toEqual({ kind: "error", message: STANDARD_ERRORS.notFound });
      expect(
        plugin.call(
          CAPABILITIES.MetadataAgent.methods.GetArtistMBID!.exportName,
          encodeMessage(api.ArtistMBIDRequest, { id: "1", name: "Nina" }),
        ),
      ).toEqual({ kind: "error", message: STANDARD_ERRORS.notImplemented });
    }, 120_000);

    test("import only the env functions of the services they use", () => {
      expect(envImportsOf(coverart)).toEqual(["get", "get_config"]);
      expect(envImportsOf(liveEvents)).toEqual(
        ["connect", "get_config", "schedule_one_time", "schedule_recurring", "send_text"].sort(),
      );
    });

    test("export the wire contract of exactly the capabilities they register", () => {
      const base = [PLUGIN_EXPORTS.memory, PLUGIN_EXPORTS.malloc, PLUGIN_EXPORTS.free, PLUGIN_EXPORTS.initialize];
      expect(exportNamesOf(coverart)).toEqual([...base, ...exportsFor(["MetadataAgent"])].sort());
      const live: CapabilityName[] = ["LifecycleManagement", "SchedulerCallback", "WebSocketCallback"];
      expect(exportNamesOf(liveEvents)).toEqual([...base, ...exportsFor(live)].sort());
    });

    describe("go-coverart", () => {
      const release = {
        images: [
          { front: false, image: "http://img/back.jpg", thumbnails: { "250": "http://img/back-250.jpg" } },
          { front: true, image: "http://img/front.jpg", thumbnails: { "500": "http://img/f-500.jpg", "1200": "http://img/f-1200.jpg" } },
        ],
      };

      function start(get: HostFunctionImpl, pluginConfig: Record<string, string> = {}) {
        const requests: http.HttpRequest[] = [];
        const plugin = PluginInstance.create(coverart, {
          get: (bytes) => {
            requests.push(http.HttpRequest.decode(bytes));
            return get(bytes);
          },
          get_config: () => encodeMessage(config.GetConfigResponse, { config: pluginConfig }),
        });
        const albumImages = (mbid: string) =>
          plugin.call(
            CAPABILITIES.MetadataAgent.methods.GetAlbumImages!.exportName,
            encodeMessage(api.AlbumImagesRequest, { name: "Album", artist: "Artist", mbid }),
          );
        return { plugin, requests, albumImages };
      }

      const answer = (status: number, body: string) => () =>
        encodeMessage(http.HttpResponse, { status, body: new TextEncoder().encode(body), headers: {}, error: "" });

      test("api_version answers 1", () => {
        const { plugin } = start(answer(200, "{}"));
        expect(plugin.apiVersion(CAPABILITIES.MetadataAgent.apiVersionExport)).toBe(BigInt(API_VERSION));
      });

      test("GetAlbumImages round-trips protobuf through the http host function", () => {
        const { requests, albumImages } = start(answer(200, JSON.stringify(release)), { base_url: "http://caa.test/" });
        const images = response(albumImages(MBID), api.AlbumImagesResponse).images;
        expect(images).toEqual([
          { url: "http://img/f-1200.jpg", size: 1200 },
          { url: "http://img/f-500.jpg", size: 500 },
          { url: "http://img/front.jpg", size: 0 },
        ]);
        expect(requests).toEqual([
          { url: `http://caa.test/release/${MBID}`, headers: { Accept: "application/json" }, timeoutMs: 10000, body: new Uint8Array() },
        ]);
      });

      test("an upstream 404 answers plugin:not_found with the error bit", () => {
        const { albumImages } = start(answer(404, "Not Found"));
        expect(albumImages(MBID)).toEqual({ kind: "error", message: STANDARD_ERRORS.notFound });
      });

      test("an error string from the host function becomes the plugin's error", () => {
        const { albumImages } = start(() => ({ error: "refused: not in allowedUrls" }));
        expect(albumImages(MBID)).toEqual({ kind: "error", message: "host function get: refused: not in allowedUrls" });
      });

      test("a method the plugin leaves out answers plugin:not_implemented", () => {
        const { plugin } = start(answer(200, "{}"));
        const result = plugin.call(
          CAPABILITIES.MetadataAgent.methods.GetArtistBiography!.exportName,
          encodeMessage(api.ArtistBiographyRequest, { id: "1", name: "x", mbid: "" }),
        );
        expect(result).toEqual({ kind: "error", message: STANDARD_ERRORS.notImplemented });
      });

      test("a request that does not decode answers 0", () => {
        const { plugin, requests } = start(answer(200, "{}"));
        const truncated = new Uint8Array([0x1a, 0x24, 0x37]);
        expect(plugin.call(CAPABILITIES.MetadataAgent.methods.GetAlbumImages!.exportName, truncated)).toEqual({
          kind: "undecodable",
        });
        expect(requests).toEqual([]);
      });

      test("the same instance serves many calls without leaking requests into responses", () => {
        const { albumImages } = start(answer(200, JSON.stringify(release)));
        for (let i = 0; i < 100; i++) {
          expect(response(albumImages(MBID), api.AlbumImagesResponse).images).toHaveLength(3);
        }
      });
    });

    describe("go-live-events", () => {
      function start(pluginConfig: Record<string, string>, sendError = "") {
        const calls: unknown[] = [];
        const plugin = PluginInstance.create(liveEvents, {
          get_config: () => encodeMessage(config.GetConfigResponse, { config: pluginConfig }),
          connect: (bytes) => {
            const req = websocket.ConnectRequest.decode(bytes);
            calls.push({ connect: req });
            return encodeMessage(websocket.ConnectResponse, { connectionId: req.connectionId, error: "" });
          },
          send_text: (bytes) => {
            calls.push({ sendText: websocket.SendTextRequest.decode(bytes) });
            return encodeMessage(websocket.SendTextResponse, { error: sendError });
          },
          schedule_recurring: (bytes) => {
            const req = scheduler.ScheduleRecurringRequest.decode(bytes);
            calls.push({ scheduleRecurring: { ...req, payload: new TextDecoder().decode(req.payload) } });
            return encodeMessage(scheduler.ScheduleResponse, { scheduleId: req.scheduleId, error: "" });
          },
          schedule_one_time: (bytes) => {
            const req = scheduler.ScheduleOneTimeRequest.decode(bytes);
            calls.push({ scheduleOneTime: { ...req, payload: new TextDecoder().decode(req.payload) } });
            return encodeMessage(scheduler.ScheduleResponse, { scheduleId: req.scheduleId, error: "" });
          },
        });
        return { plugin, calls };
      }

      const settings = { ws_url: "ws://127.0.0.1:1/events", check_cron: "* * * * *", reconnect_delay_seconds: "3" };
      const method = (capability: CapabilityName, name: string) => CAPABILITIES[capability].methods[name]!.exportName;

      test("OnInit connects and schedules the recurring check", () => {
        const { plugin, calls } = start({});
        const result = plugin.call(
          method("LifecycleManagement", "OnInit"),
          encodeMessage(api.InitRequest, { config: settings }),
        );
        expect(response(result, api.InitResponse)).toEqual({ error: "" });
        expect(calls).toEqual([
          { connect: { url: settings.ws_url, headers: {}, connectionId: "live-events" } },
          { scheduleRecurring: { cronExpression: "* * * * *", payload: "check", scheduleId: "live-events-check" } },
        ]);
      });

      test("OnInit with a bad ws_url fails with a message naming the setting", () => {
        const { plugin, calls } = start({});
        const result = plugin.call(
          method("LifecycleManagement", "OnInit"),
          encodeMessage(api.InitRequest, { config: { ws_url: "http://x" } }),
        );
        expect(result).toEqual({
          kind: "error",
          message: 'live-events: config ws_url must be a ws:// or wss:// URL, got "http://x"',
        });
        expect(calls).toEqual([]);
      });

      test("a ping is answered with pong through send_text", () => {
        const { plugin, calls } = start(settings);
        const result = plugin.call(
          method("WebSocketCallback", "OnTextMessage"),
          encodeMessage(api.OnTextMessageRequest, { connectionId: "live-events", message: "ping" }),
        );
        expect(response(result, api.OnTextMessageResponse)).toEqual({});
        expect(calls).toEqual([{ sendText: { connectionId: "live-events", message: "pong" } }]);
      });

      test("an error (how a server's close arrives) schedules one reconnect, which connects again", () => {
        const { plugin, calls } = start(settings);
        plugin.call(
          method("WebSocketCallback", "OnError"),
          encodeMessage(api.OnErrorRequest, { connectionId: "live-events", error: "websocket: close 1006 (abnormal closure): unexpected EOF" }),
        );
        const callback = plugin.call(
          method("SchedulerCallback", "OnSchedulerCallback"),
          encodeMessage(api.SchedulerCallbackRequest, {
            scheduleId: "live-events-reconnect",
            payload: new TextEncoder().encode("reconnect"),
            isRecurring: false,
          }),
        );
        expect(response(callback, api.SchedulerCallbackResponse)).toEqual({ error: "" });
        expect(calls).toEqual([
          { scheduleOneTime: { delaySeconds: 3, payload: "reconnect", scheduleId: "live-events-reconnect" } },
          { connect: { url: settings.ws_url, headers: {}, connectionId: "live-events" } },
        ]);
      });

      test("the recurring check reconnects when the heartbeat cannot be sent", () => {
        const { plugin, calls } = start(settings, "unknown connection live-events");
        plugin.call(
          method("SchedulerCallback", "OnSchedulerCallback"),
          encodeMessage(api.SchedulerCallbackRequest, {
            scheduleId: "live-events-check",
            payload: new TextEncoder().encode("check"),
            isRecurring: true,
          }),
        );
        expect(calls).toEqual([
          { sendText: { connectionId: "live-events", message: "heartbeat" } },
          { connect: { url: settings.ws_url, headers: {}, connectionId: "live-events" } },
        ]);
      });

      test("every capability answers api_version 1", () => {
        const { plugin } = start(settings);
        for (const name of ["LifecycleManagement", "SchedulerCallback", "WebSocketCallback"] as const) {
          expect(plugin.apiVersion(CAPABILITIES[name].apiVersionExport)).toBe(1n);
        }
      });
    });
  });
});
