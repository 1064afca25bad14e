import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginInfo, PluginLimitError, PluginManager, PluginTrapError } from "@nd/runtime";
import {
  abuseId,
  BAD_ARGUMENTS,
  type BadArguments,
  EVERY_HOST_FUNCTION,
  lyingMallocPlugin,
  pointerAbusePlugin,
  schedulerHogPlugin,
  socketHogPlugin,
} from "./support/hostile-plugins.js";
import { startLocalWsServer, type LocalWsServer } from "./support/local-ws-server.js";
import { AS_ECHO_FOLDER, pluginsFolder } from "./support/wat-plugins.js";

const EVERY_PERMISSION = { http: {}, cache: {}, config: {}, scheduler: {}, websocket: {}, artwork: {}, subsonicapi: {} };
const MAX_JOBS = 50;
const JOBS_TRIED = 2_000;
const MAX_SOCKETS = 5;
const SOCKETS_TRIED = 40;

let manager: PluginManager;
let ws: LocalWsServer;

beforeAll(async () => {
  ws = await startLocalWsServer();
  const folder = pluginsFolder(
    [
      { name: "pointer-abuse", wasm: pointerAbusePlugin(), permissions: EVERY_PERMISSION },
      { name: "liar-http", wasm: lyingMallocPlugin("get"), permissions: { http: {} } },
      { name: "liar-config", wasm: lyingMallocPlugin("get_config"), permissions: { config: {} } },
      { name: "scheduler-hog", wasm: schedulerHogPlugin(JOBS_TRIED), permissions: { scheduler: {} } },
      {
        name: "socket-hog",
        wasm: socketHogPlugin(SOCKETS_TRIED),
        permissions: { websocket: { allowLocalNetwork: true } },
      },
    ],
    { "as-echo": AS_ECHO_FOLDER },
  );
  manager = new PluginManager({
    folder,
    workers: 2,
    callTimeoutMs: 10_000,
    pluginConfig: { "liar-config": { key: "value" } },
    hostServices: {
      artwork: { baseUrl: "http://127.0.0.1:4533", secret: "a-secret-of-at-least-16-bytes" },
      scheduler: { maxJobsPerPlugin: MAX_JOBS },
      websocket: { maxConnectionsPerPlugin: MAX_SOCKETS },
    },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  await manager.start();
  expect(manager.list().filter((p: PluginInfo) => p.state !== "loaded").map((p: PluginInfo) => `${p.name}: ${p.error?.message}`)).toEqual([]);
});

afterAll(async () => {
  await manager?.close();
  await ws?.close();
});

/** Sends only `id` when `name` is omitted: socket-hog forwards the request bytes as a ConnectRequest. */
async function biography(plugin: string, id: string, name?: string): Promise<string> {
  const response = (await manager.call(plugin, "MetadataAgent", "GetArtistBiography", { id, name })) as {
    biography: string;
  };
  return response.biography;
}

describe("a plugin passing out-of-range pointers and lengths to every host function", () => {
  const cases = EVERY_HOST_FUNCTION.flatMap((fn, index) =>
    (Object.keys(BAD_ARGUMENTS) as BadArguments[]).map((kind) => [`${fn.service}.${fn.importName}`, kind, index] as const),
  );

  it("covers every host function of every service", () => {
    expect(new Set(cases.map(([name]) => name)).size).toBe(EVERY_HOST_FUNCTION.length);
    // The wire contract (docs/architecture.md): http 7, cache 10, config 2, scheduler 3, websocket 4, artwork 3, subsonicapi 1.
    expect(EVERY_HOST_FUNCTION.length).toBe(30);
  });

  // A length past maxHostCallRequestBytes is refused before anything is read: a limit, not a trap.
  it.each(cases)("%s with %s fails with PluginTrapError (PluginLimitError for hugeLength)", async (_name, kind, index) => {
    const error = await manager.call("pointer-abuse", "MetadataAgent", "GetArtistBiography", { id: abuseId(index, kind) }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(kind === "hugeLength" ? PluginLimitError : PluginTrapError);
  });

  it("leaves the host and the plugin working", async () => {
    expect(await biography("pointer-abuse", "ok")).toBe("survived");
    expect(await biography("as-echo", "", "still here")).toBe("bio of still here");
  });
});

describe("a plugin whose malloc answers a pointer outside its memory", () => {
  it.each(["liar-http", "liar-config"])("%s: the host does not write the answer and the call traps", async (plugin) => {
    await expect(biography(plugin, "x")).rejects.toBeInstanceOf(PluginTrapError);
  });
});

describe("caps hold against a greedy plugin", () => {
  it(`schedules at most ${MAX_JOBS} jobs of ${JOBS_TRIED} asked for, across calls`, async () => {
    expect((await biography("scheduler-hog", "")).length).toBe(MAX_JOBS);
    expect((await biography("scheduler-hog", "")).length).toBe(0);
  });

  it(`opens at most ${MAX_SOCKETS} WebSockets of ${SOCKETS_TRIED} asked for`, async () => {
    expect((await biography("socket-hog", ws.url)).length).toBe(MAX_SOCKETS);
    expect((await biography("socket-hog", ws.url)).length).toBe(0);
    expect(ws.connections()).toBe(MAX_SOCKETS);
  });
});
