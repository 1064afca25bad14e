import { gen2 } from "@nd/protocol";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { HostCallError, type HostServicesOptions } from "../src/index.js";
import { callJson, gen2PluginWith } from "./support/gen2-plugin.js";
import { startHttpServer } from "./support/servers.js";

let server: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());

const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

// Test names resolve to the test server's loopback address.
const options: HostServicesOptions = {
  dnsLookup: async (hostname) => {
    if (hostname.endsWith("test.local")) return [{ address: "127.0.0.1", family: 4 }];
    throw new Error(`unknown host ${hostname}`);
  },
};

function httpPlugin(requiredHosts?: string[], extra: HostServicesOptions = {}) {
  const plugin = gen2PluginWith({ http: requiredHosts ? { requiredHosts } : {} }, { ...options, ...extra });
  closers.push(plugin.close);
  return plugin.services;
}

const url = (path: string, host = "127.0.0.1") => `http://${host}:${server.port}${path}`;
const send = (services: ReturnType<typeof httpPlugin>, request: object) => callJson(services, "http_send", { request });
const decoded = (body: string) => Buffer.from(body, "base64").toString("utf8");

async function kernel(services: ReturnType<typeof httpPlugin>, request: object) {
  const answer = await services.call(gen2.KERNEL_HTTP_REQUEST, new TextEncoder().encode(JSON.stringify(request)));
  return JSON.parse(new TextDecoder().decode(answer));
}

describe("http_send", () => {
  test("sends method, headers and body; answers status, canonical first-value headers and a base64 body", async () => {
    const services = httpPlugin(["127.0.0.1"]);
    const body = Buffer.from("hello").toString("base64");
    const answer = await send(services, { method: "post", url: url("/echo"), headers: { "X-Plugin": "yes" }, body });
    expect(answer.result.statusCode).toBe(200);
    expect(answer.result.headers["Content-Type"]).toBe("application/json");
    expect(answer.result.headers["X-Test"]).toBe("first");
    const echoed = JSON.parse(decoded(answer.result.body));
    expect(echoed).toMatchObject({ method: "POST", body: "hello", headers: { "x-plugin": "yes" } });
  });

  test("a 4xx is a result, not an error", async () => {
    const answer = await send(httpPlugin(["127.0.0.1"]), { url: url("/status/404") });
    expect(answer.result).toMatchObject({ statusCode: 404, body: Buffer.from("status 404").toString("base64") });
    expect(answer.error).toBeUndefined();
  });

  test("without requiredHosts any public host may be asked, a loopback address never", async () => {
    const answer = await send(httpPlugin(), { url: url("/echo") });
    expect(answer).toEqual({ error: expect.stringContaining("loopback") });
  });

  test("`*` does not open the local network; a pattern naming the host does", async () => {
    expect((await send(httpPlugin(["*"]), { url: url("/echo") })).error).toContain("loopback");
    expect((await send(httpPlugin(["*.test.local"]), { url: url("/echo", "api.test.local") })).result.statusCode).toBe(200);
  });

  test("hosts outside requiredHosts are refused; `*.suffix` does not match the apex; names match in any case", async () => {
    const services = httpPlugin(["*.test.local", "Exact.Test.Local"]);
    expect((await send(services, { url: url("/echo", "test.local") })).error).toContain("requiredHosts");
    expect((await send(services, { url: url("/echo", "other.local") })).error).toContain("requiredHosts");
    expect((await send(services, { url: url("/echo", "EXACT.test.local") })).result.statusCode).toBe(200);
  });

  test("follows up to 5 redirects, then answers the last redirect response", async () => {
    const services = httpPlugin(["127.0.0.1"]);
    const before = server.requests.length;
    let target = "/echo";
    for (let hop = 0; hop < 6; hop++) target = `/redirect?to=${encodeURIComponent(target)}`;
    const answer = await send(services, { url: url(target) });
    expect(answer.result.statusCode).toBe(302);
    // The sixth response still redirects (to /echo): five were followed, it is the answer.
    expect(answer.result.headers.Location).toBe("/echo");
    expect(server.requests.length - before).toBe(6);
    const followed = await send(services, { url: url(`/redirect?to=${encodeURIComponent("/status/201")}`) });
    expect(followed.result.statusCode).toBe(201);
  });

  test("noFollowRedirects answers the first redirect", async () => {
    const answer = await send(httpPlugin(["127.0.0.1"]), { url: url("/redirect?to=/echo&status=307"), noFollowRedirects: true });
    expect(answer.result).toMatchObject({ statusCode: 307, headers: { Location: "/echo" } });
  });

  test("each redirect hop is checked: a hop outside requiredHosts answers the redirect itself", async () => {
    const services = httpPlugin(["api.test.local"]);
    const elsewhere = encodeURIComponent(url("/echo", "other.test.local"));
    const answer = await send(services, { url: url(`/redirect?to=${elsewhere}`, "api.test.local") });
    expect(answer.result.statusCode).toBe(302);
  });

  test("timeoutMs ends a request that does not answer", async () => {
    const answer = await send(httpPlugin(["127.0.0.1"]), { url: url("/hang"), timeoutMs: 100 });
    expect(answer.error).toContain("timed out after 100 ms");
  });

  test("a response body over the limit is an error", async () => {
    const services = httpPlugin(["127.0.0.1"], { http: { maxResponseBytes: 1000 } });
    expect((await send(services, { url: url("/bytes/1000") })).result.body).toHaveLength(1336);
    expect((await send(services, { url: url("/bytes/1001") })).error).toContain("larger than the limit");
  });

  test("a float timeoutMs or a bad URL is an error envelope; a non-http scheme is refused", async () => {
    const services = httpPlugin(["127.0.0.1"]);
    expect((await callJson(services, "http_send", `{"request":{"url":"${url("/echo")}","timeoutMs":1.5}}`)).error).toContain("int32");
    expect((await send(services, { url: "not a url" })).error).toContain("not a valid absolute URL");
    expect((await send(services, { url: "ftp://127.0.0.1/x" })).error).toContain('scheme "ftp"');
  });
});

describe("kernel http_request (extism_http_request)", () => {
  test("answers status, lower-case headers with several values joined by ',', and a base64 body", async () => {
    const answer = await kernel(httpPlugin(["127.0.0.1"]), {
      url: url("/echo"),
      method: "PUT",
      headers: { "x-plugin": "k" },
      body: Buffer.from("payload").toString("base64"),
    });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["x-test"]).toBe("first,second");
    expect(answer.headers["set-cookie"]).toBe("a=1,b=2");
    expect(JSON.parse(decoded(answer.body))).toMatchObject({ method: "PUT", body: "payload", headers: { "x-plugin": "k" } });
  });

  test("rejects without requiredHosts, outside them, and without the http permission", async () => {
    await expect(kernel(httpPlugin(), { url: url("/echo") })).rejects.toBeInstanceOf(HostCallError);
    await expect(kernel(httpPlugin(["*.test.local"]), { url: url("/echo", "test.local") })).rejects.toThrow(/requiredHosts/);
    const bare = gen2PluginWith({}, options);
    closers.push(bare.close);
    await expect(kernel(bare.services, { url: url("/echo") })).rejects.toThrow(/without the http permission/);
  });

  test("Extism's glob patterns apply: `*` anywhere in the name", async () => {
    const answer = await kernel(httpPlugin(["api.*.local"]), { url: url("/status/204", "api.test.local") });
    expect(answer.statusCode).toBe(204);
  });

  test("a network failure rejects; the kernel path is not linked as a user function", async () => {
    const services = httpPlugin(["127.0.0.1"]);
    await expect(kernel(services, { url: "http://127.0.0.1:1/" })).rejects.toBeInstanceOf(HostCallError);
    expect(services.importNames).toEqual(expect.arrayContaining(["http_send"]));
    expect(services.importNames).not.toContain(gen2.KERNEL_HTTP_REQUEST);
  });
});
