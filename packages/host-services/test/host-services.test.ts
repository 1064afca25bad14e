import {
  cache as cacheMessages,
  config as configMessages,
  findHostFunction,
  HOST_SERVICES,
  http as httpMessages,
} from "@nd/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ConfigurationError,
  createHostServices,
  HostCallError,
  PermissionError,
  pluginConfigAsSeen,
  ServicesClosedError,
} from "../src/index.js";
import { startHttpServer } from "./support/servers.js";

describe("config service", () => {
  test("answers the plugin's own config under both names, as a copy", async () => {
    const host = createHostServices();
    const pluginConfig = { api_key: "k", region: "eu" };
    const config = host.forPlugin({ name: "cfg", permissions: { config: {} }, config: pluginConfig }).config;
    pluginConfig.api_key = "changed later";
    expect(await config?.getConfig()).toEqual({ config: { api_key: "k", region: "eu" } });
    const answer = await config?.getPluginConfig({});
    expect(answer).toEqual({ config: { api_key: "k", region: "eu" } });
    if (answer) answer.config.region = "mutated";
    expect((await config?.getConfig())?.config.region).toBe("eu");
    await host.close();
  });

  test("answers the keys lowercased and the values unchanged, as Navidrome's config loader does", async () => {
    const host = createHostServices();
    const pluginConfig = { ClientID: "AbC", Users: "Alice:Token", lower: "x" };
    const config = host.forPlugin({ name: "cfg", permissions: { config: {} }, config: pluginConfig }).config!;
    expect(await config.getConfig()).toEqual({ config: { clientid: "AbC", users: "Alice:Token", lower: "x" } });
    expect(pluginConfigAsSeen({ Key: "first", KEY: "second" })).toEqual({ key: "second" });
    await host.close();
  });
});

describe("granted services", () => {
  const host = createHostServices();
  afterAll(() => host.close());

  test("only granted services are present; unknown permission keys are ignored", () => {
    const services = host.forPlugin({ name: "p", permissions: { cache: {}, config: {}, telepathy: {} }, config: {} });
    expect(services.cache).toBeDefined();
    expect(services.config).toBeDefined();
    for (const absent of ["http", "scheduler", "websocket", "artwork"] as const) expect(services[absent]).toBeUndefined();
  });

  test("importNames lists every function of the granted services", () => {
    const services = host.forPlugin({ name: "p", permissions: { cache: {}, config: {} }, config: {} });
    expect([...services.importNames].sort()).toEqual(
      [...Object.keys(HOST_SERVICES.cache.functions), ...Object.keys(HOST_SERVICES.config.functions)].sort(),
    );
    expect(services.importNames).toContain("get_plugin_config");
  });

  test("no permissions, no imports", () => {
    expect(host.forPlugin({ name: "none", permissions: {}, config: {} }).importNames).toEqual([]);
  });
});

describe("wire calls", () => {
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  const host = createHostServices();
  beforeAll(async () => {
    server = await startHttpServer();
  });
  afterAll(async () => {
    await host.close();
    await server.close();
  });

  test("decode the request, run the service and encode the response", async () => {
    const services = host.forPlugin({
      name: "wire",
      permissions: { cache: {}, config: {}, http: { allowLocalNetwork: true } },
      config: { who: "me" },
    });
    const set = cacheMessages.SetStringRequest.encode({ key: "k", value: "v", ttlSeconds: 0n }).finish();
    expect(cacheMessages.SetResponse.decode(await services.call("set_string", set))).toEqual({ success: true });
    const get = cacheMessages.GetRequest.encode({ key: "k" }).finish();
    expect(cacheMessages.GetStringResponse.decode(await services.call("get_string", get))).toEqual({ exists: true, value: "v" });
    const config = await services.call("get_config", new Uint8Array());
    expect(configMessages.GetConfigResponse.decode(config)).toEqual({ config: { who: "me" } });
    const request = httpMessages.HttpRequest.encode({
      url: `${server.origin}/status/202`,
      headers: {},
      timeoutMs: 0,
      body: new Uint8Array(),
    }).finish();
    expect(httpMessages.HttpResponse.decode(await services.call("get", request)).status).toBe(202);
  });

  test("a function of a service not granted is a PermissionError naming the permission", async () => {
    const services = host.forPlugin({ name: "wire", permissions: { cache: {} }, config: {} });
    const call = services.call("schedule_one_time", new Uint8Array());
    await expect(call).rejects.toBeInstanceOf(PermissionError);
    await expect(call).rejects.toMatchObject({
      kind: "permission",
      permission: "scheduler",
      message: expect.stringContaining('needs the "scheduler" permission'),
    });
    expect(findHostFunction("schedule_one_time")?.permission).toBe("scheduler");
  });

  test("an unknown import is a HostCallError", async () => {
    const services = host.forPlugin({ name: "wire", permissions: { cache: {} }, config: {} });
    await expect(services.call("launch_rockets", new Uint8Array())).rejects.toThrow(
      new HostCallError("launch_rockets", "env.launch_rockets is not a host function of any service"),
    );
  });

  test("bytes that do not decode are a HostCallError", async () => {
    const services = host.forPlugin({ name: "wire", permissions: { cache: {} }, config: {} });
    const truncated = Uint8Array.from([0x0a, 0x05, 0x61]); // field 1, length 5, only 1 byte follows
    await expect(services.call("get_string", truncated)).rejects.toMatchObject({
      kind: "host-call",
      message: expect.stringMatching(/^env.get_string: the 3 request bytes do not decode as a CacheService.GetString request/),
    });
  });

  test("calls after close are refused", async () => {
    const services = host.forPlugin({ name: "wire", permissions: { config: {} }, config: {} });
    await services.close();
    await expect(services.call("get_config", new Uint8Array())).rejects.toBeInstanceOf(ServicesClosedError);
  });

  test("closed host services serve no new plugin", async () => {
    const closedHost = createHostServices();
    await closedHost.close();
    expect(() => closedHost.forPlugin({ name: "late", permissions: {}, config: {} })).toThrow(
      new ServicesClosedError('cannot serve plugin "late": these host services are closed'),
    );
  });
});

describe("host options", () => {
  test.each([
    [{ http: { maxResponseBytes: 0 } }, "http.maxResponseBytes must be an integer >= 1, got 0"],
    [{ http: { defaultTimeoutMs: 5000, maxTimeoutMs: 1000 } }, "http.defaultTimeoutMs must not exceed http.maxTimeoutMs"],
    [{ cache: { maxBytesPerPlugin: 1.5 } }, "cache.maxBytesPerPlugin must be an integer >= 1, got 1.5"],
    [{ cache: { maxBytesPerPlugin: 2 ** 30 } }, "cache.maxBytesPerPlugin must be at most 536870912, got 1073741824"],
    [{ scheduler: { maxJobsPerPlugin: -1 } }, "scheduler.maxJobsPerPlugin must be an integer >= 1, got -1"],
    [{ scheduler: { maxPayloadBytes: 0 } }, "scheduler.maxPayloadBytes must be an integer >= 1, got 0"],
    [{ websocket: { maxQueuedMessages: 10, maxBufferedMessages: 5 } }, "websocket.maxBufferedMessages must be an integer >= 10, got 5"],
    [
      { websocket: { maxQueuedBytesPerPlugin: 2048, maxBufferedBytesPerPlugin: 1024 } },
      "websocket.maxBufferedBytesPerPlugin must be an integer >= 2048, got 1024",
    ],
  ])("%j is refused", (options, message) => {
    expect(() => createHostServices(options)).toThrow(new ConfigurationError(`host services option ${message}`));
  });
});
