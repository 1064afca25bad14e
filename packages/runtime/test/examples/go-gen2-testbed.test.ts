import { copyFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { readAnyNdp } from "@nd/ndp";
import { PluginCallError, PluginManager, PluginNotImplementedError } from "@nd/runtime";
import { goAvailableFor, pluginsFolder } from "@nd/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { memoryLogger } from "../support/wat-plugins.js";

// The Go testbed (extism/go-pdk) drives the kernel and every host service; the workspace
// builds it (a devDependency of this package) wherever Go is installed.
const PACKAGE = join(__dirname, "../../../../examples/go-gen2-testbed/go-gen2-testbed.ndp");

describe.skipIf(!goAvailableFor("the Go generation-2 testbed tests (examples/go-gen2-testbed)"))("the Go generation-2 testbed", () => {
  let server: Server;
  let port: number;
  let manager: PluginManager;
  const { logger, lines } = memoryLogger();

  beforeAll(async () => {
    server = createServer((request, response) => {
      response.setHeader("X-A", "1");
      response.end(`hi ${request.method} ${request.url}`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    const folder = pluginsFolder([]);
    copyFileSync(PACKAGE, join(folder, "testbed.ndp"));
    manager = new PluginManager({
      folder,
      readPackage: readAnyNdp,
      workers: 1,
      logger,
      pluginConfig: { testbed: { authorized: "true", key1: "v1" } },
      pluginAccess: () => ({ users: "all", libraries: "all", writeAccess: false }),
      pluginLogLevel: "trace",
    });
    await manager.start();
  });
  afterAll(async () => {
    await manager.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const call = async (exportName: string, input: object) =>
    new TextDecoder().decode(await manager.callExport("testbed", exportName, JSON.stringify(input)));

  test("loads from its package with the capabilities its exports show, and nd_on_init ran", () => {
    expect(manager.list()[0]).toMatchObject({
      id: "testbed",
      generation: 2,
      state: "loaded",
      capabilities: ["Scrobbler", "Lyrics", "SonicSimilarity", "TaskWorker", "Lifecycle", "Scheduler", "WebSocket"],
    });
    expect(lines).toContain("info: [testbed] nd_on_init {}");
  });

  test("the kernel: input and output, config_get, error text, return codes, logs (Go's trace arrives as error)", async () => {
    expect(JSON.parse(await call("nd_test_echo", { a: 1 }))).toEqual({ a: 1 });
    expect(JSON.parse(await call("nd_test_kernel_config", { key: "key1" }))).toEqual({ exists: true, value: "v1" });
    await expect(call("nd_test_error", { message: "boom", rc: 0 })).rejects.toThrow(new PluginCallError("testbed", "plugin call failed: boom"));
    await expect(call("nd_test_return", { rc: -2 })).rejects.toBeInstanceOf(PluginNotImplementedError);
    await expect(call("nd_test_return", { rc: 7 })).rejects.toThrow("plugin call exited with code 7");
    await call("nd_test_log", { level: "trace", message: "tracing" });
    expect(lines).toContain("error: [testbed] tracing");
  });

  test("the kernel's http_request and the http_send host function reach a real server", async () => {
    const kernel = JSON.parse(await call("nd_test_http", { operation: "kernel", url: `http://127.0.0.1:${port}/k`, method: "POST", body: "x" }));
    expect(kernel).toMatchObject({ statusCode: 200, headers: { "x-a": "1" } });
    expect(Buffer.from(kernel.body, "base64").toString()).toBe("hi POST /k");
    const send = JSON.parse(await call("nd_test_http", { operation: "send", request: { url: `http://127.0.0.1:${port}/s`, method: "GET" } }));
    expect(Buffer.from(send.result.body, "base64").toString()).toBe("hi GET /s");
  });

  test("host services answer v0.63's envelopes; a queued task reaches nd_task_execute", async () => {
    expect(JSON.parse(await call("nd_test_config", { operation: "get", key: "key1" }))).toEqual({ value: "v1", exists: true });
    await call("nd_test_kvstore", { operation: "set", key: "k", value: Buffer.from("v").toString("base64") });
    expect(JSON.parse(await call("nd_test_kvstore", { operation: "get", key: "k" }))).toEqual({ value: "dg==", exists: true });
    await call("nd_test_taskqueue", { operation: "create_queue", name: "q", config: { concurrency: 1 } });
    const { result: taskId } = JSON.parse(await call("nd_test_taskqueue", { operation: "enqueue", queueName: "q", payload: "am9i" }));
    const expected = `info: [testbed] nd_task_execute {"queueName":"q","taskId":"${taskId}","payload":"am9i","attempt":1}`;
    while (!lines.includes(expected)) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  test("its scrobbler answers through the shared client", async () => {
    const [scrobbler] = manager.scrobblers();
    expect(await scrobbler!.isAuthorized({ username: "ana" })).toEqual({ authorized: true, error: "" });
  });
});
