import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PluginTrapError } from "@nd/runtime";
import { gen2Plugin, gen2WatPlugin, pluginsFolder } from "@nd/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startedManagers } from "./support/started-managers.js";

let server: Server;
let port: number;
const seen: string[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      seen.push(`${request.method} ${request.url} ${body}`);
      response.setHeader("X-Answer", "yes");
      response.end(`answer to ${request.method} ${request.url}${body ? ` with ${body}` : ""}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const start = startedManagers();

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** `nd_test_forward` sends its input to extism:host/user `importName` and answers the reply. */
function forwarding(importName: string): Uint8Array {
  return gen2WatPlugin(
    `(func (export "nd_test_forward") (result i32)
      (local $reply i64)
      (local.set $reply (call $host (call $to_block (i32.const 1024) (call $input (i32.const 1024)))))
      (call $output (i32.const 8192) (call $from_block (local.get $reply) (i32.const 8192)))
      (i32.const 0))`,
    { imports: `(import "extism:host/user" "${importName}" (func $host (param i64) (result i64)))` },
  );
}

/** `nd_test_fetch` passes its input as the kernel's http_request and answers "<status> <body>". */
const KERNEL_FETCH = gen2WatPlugin(
  `(func (export "nd_test_fetch") (result i32)
    (local $body i64) (local $len i32)
    (local.set $body (call $http_request (call $to_block (i32.const 1024) (call $input (i32.const 1024))) (i64.const 0)))
    (i32.store8 (i32.const 8192) (i32.add (i32.const 48) (i32.div_u (call $http_status_code) (i32.const 100))))
    (i32.store8 (i32.const 8193) (i32.const 32))
    (local.set $len (call $from_block (local.get $body) (i32.const 8194)))
    (call $output (i32.const 8192) (i32.add (local.get $len) (i32.const 2)))
    (i32.const 0))`,
  {
    imports: `(import "extism:host/env" "http_request" (func $http_request (param i64 i64) (result i64)))
      (import "extism:host/env" "http_status_code" (func $http_status_code (result i32)))`,
  },
);

test("a host function answers the JSON envelope: config_get reads the plugin's config, always linked", async () => {
  const folder = pluginsFolder([gen2Plugin("configured", forwarding("config_get"))]);
  const { manager } = await start(folder, { pluginConfig: { configured: { apikey: "s3cret" } } });
  const answer = JSON.parse(text(await manager.callExport("configured", "nd_test_forward", '{"key":"apikey"}')));
  expect(answer).toEqual({ value: "s3cret", exists: true });
});

test("http_send reaches a real server on 127.0.0.1 when requiredHosts names it; the call's stack waits suspended", async () => {
  const folder = pluginsFolder([gen2Plugin("sender", forwarding("http_send"), { http: { requiredHosts: ["127.0.0.1"] } })]);
  const { manager } = await start(folder);
  const request = { request: { method: "GET", url: `http://127.0.0.1:${port}/hello` } };
  const answer = JSON.parse(text(await manager.callExport("sender", "nd_test_forward", JSON.stringify(request))));
  expect(answer.result.statusCode).toBe(200);
  expect(Buffer.from(answer.result.body, "base64").toString()).toBe("answer to GET /hello");
});

test("the kernel's http_request goes through the http permission: allowed hosts answer, others trap the call", async () => {
  const folder = pluginsFolder([
    gen2Plugin("fetcher", KERNEL_FETCH, { http: { requiredHosts: ["127.0.0.1"] } }),
    gen2Plugin("no-hosts", KERNEL_FETCH, { http: {} }),
  ]);
  const { manager } = await start(folder);
  const request = JSON.stringify({ url: `http://127.0.0.1:${port}/kernel`, method: "GET" });
  expect(text(await manager.callExport("fetcher", "nd_test_fetch", request))).toBe("2 answer to GET /kernel");
  const refused = manager.callExport("no-hosts", "nd_test_fetch", request);
  await expect(refused).rejects.toBeInstanceOf(PluginTrapError);
  expect(seen.filter((line) => line.startsWith("GET /kernel"))).toHaveLength(1);
});
