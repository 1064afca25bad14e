import { connect, type LookupFunction } from "node:net";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { HostServicesOptions } from "../src/index.js";
import { pluginWith, text } from "./support/plugins.js";
import { startHttpServer } from "./support/servers.js";

let server: Awaited<ReturnType<typeof startHttpServer>>;
let other: Awaited<ReturnType<typeof startHttpServer>>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startHttpServer();
  other = await startHttpServer();
});
afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  await Promise.all([server.close(), other.close()]);
});

function httpPlugin(permission: object = { allowLocalNetwork: true }, options: HostServicesOptions = {}) {
  const plugin = pluginWith({ http: permission }, options);
  cleanups.push(plugin.close);
  const http = plugin.services.http;
  if (!http) throw new Error("http service missing");
  return http;
}

const requestsTo = (path: string) => server.requests.filter((request) => request.path === path);

describe("http methods", () => {
  const http = () => httpPlugin();

  test.each(["post", "put", "patch"] as const)("%s sends the body and answers the response", async (method) => {
    const response = await http()[method]({ url: `${server.origin}/echo`, body: Buffer.from(`body of ${method}`) });
    expect(response.error).toBe("");
    expect(response.status).toBe(200);
    const echoed = JSON.parse(text(response.body));
    expect(echoed.method).toBe(method.toUpperCase());
    expect(echoed.body).toBe(`body of ${method}`);
  });

  test.each(["get", "delete", "options"] as const)("%s leaves the body out", async (method) => {
    const response = await http()[method]({ url: `${server.origin}/echo`, body: Buffer.from("ignored") });
    expect(response.error).toBe("");
    const echoed = JSON.parse(text(response.body));
    expect(echoed.method).toBe(method.toUpperCase());
    expect(echoed.body).toBe("");
  });

  test("head answers status and headers without a body", async () => {
    const response = await http().head({ url: `${server.origin}/echo` });
    expect(response.error).toBe("");
    expect(response.status).toBe(200);
    expect(response.headers["Content-Type"]).toBe("application/json");
    expect(response.body.byteLength).toBe(0);
  });

  test("request headers reach the server; response header names are canonical, with their first value", async () => {
    const response = await http().get({ url: `${server.origin}/echo`, headers: { "x-api-key": "k1" } });
    expect(JSON.parse(text(response.body)).headers["x-api-key"]).toBe("k1");
    expect(response.headers["Set-Cookie"]).toBe("a=1");
    expect(response.headers["X-Test"]).toBe("first");
    expect(Object.keys(response.headers)).toEqual(
      expect.arrayContaining(["Content-Type", "Content-Length", "X-Test", "Set-Cookie"]),
    );
    expect(Object.keys(response.headers).filter((name) => name !== name.replace(/(^|-)[a-z]/g, (m) => m.toUpperCase()))).toEqual([]);
  });

  test("an error status is a response, not an error", async () => {
    const response = await http().get({ url: `${server.origin}/status/418` });
    expect(response.status).toBe(418);
    expect(response.error).toBe("");
    expect(text(response.body)).toBe("status 418");
  });
});

describe("http failures come back in error", () => {
  test("a URL that does not parse", async () => {
    const response = await httpPlugin().get({ url: "not a url" });
    expect(response.status).toBe(0);
    expect(response.error).toBe("GET not a url: not a valid absolute URL");
  });

  test("a scheme other than http and https", async () => {
    const response = await httpPlugin().get({ url: "file:///etc/passwd" });
    expect(response.error).toMatch(/scheme "file" is not allowed/);
  });

  test("a closed port", async () => {
    const closed = await startHttpServer();
    await closed.close();
    const response = await httpPlugin().get({ url: `${closed.origin}/echo` });
    expect(response.status).toBe(0);
    expect(response.error).toMatch(/ECONNREFUSED/);
  });

  test("a timeout uses timeout_ms", async () => {
    const response = await httpPlugin().get({ url: `${server.origin}/hang`, timeoutMs: 50 });
    expect(response.error).toBe(`GET ${server.origin}/hang: timed out after 50 ms`);
  });

  test("timeout_ms 0 uses the default and large values are lowered to the maximum", async () => {
    const http = httpPlugin(undefined, { http: { defaultTimeoutMs: 40, maxTimeoutMs: 60 } });
    expect((await http.get({ url: `${server.origin}/hang` })).error).toMatch(/timed out after 40 ms$/);
    expect((await http.get({ url: `${server.origin}/hang`, timeoutMs: 100_000 })).error).toMatch(/timed out after 60 ms$/);
  });

  test("a body larger than maxResponseBytes fails, one at the limit passes", async () => {
    const http = httpPlugin(undefined, { http: { maxResponseBytes: 1000 } });
    expect((await http.get({ url: `${server.origin}/bytes/1000` })).body.byteLength).toBe(1000);
    const tooLarge = await http.get({ url: `${server.origin}/bytes/1001` });
    expect(tooLarge.error).toMatch(/larger than the limit of 1000 bytes/);
    expect(tooLarge.body.byteLength).toBe(0);
  });

  test("an endless body stops at the limit", async () => {
    const http = httpPlugin(undefined, { http: { maxResponseBytes: 200_000 } });
    const response = await http.get({ url: `${server.origin}/chunked-forever` });
    expect(response.error).toMatch(/larger than the limit of 200000 bytes/);
  });
});

describe("redirects", () => {
  const redirect = (to: string, status = 302) =>
    `${server.origin}/redirect?status=${status}&to=${encodeURIComponent(to)}`;

  test("are followed to the final answer", async () => {
    const response = await httpPlugin().get({ url: redirect(`${other.origin}/status/201`) });
    expect(response.status).toBe(201);
  });

  test("303 turns a POST into a GET without body; 307 keeps both", async () => {
    const http = httpPlugin();
    const seeOther = await http.post({ url: redirect("/echo", 303), body: Buffer.from("payload") });
    expect(JSON.parse(text(seeOther.body))).toMatchObject({ method: "GET", body: "" });
    const temporary = await http.post({ url: redirect("/echo", 307), body: Buffer.from("payload") });
    expect(JSON.parse(text(temporary.body))).toMatchObject({ method: "POST", body: "payload" });
  });

  test("credentials are kept on the same origin and dropped for another one", async () => {
    const http = httpPlugin();
    const headers = { authorization: "Bearer secret", "x-other": "kept" };
    const same = JSON.parse(text((await http.get({ url: redirect("/echo"), headers })).body));
    expect(same.headers.authorization).toBe("Bearer secret");
    const cross = JSON.parse(text((await http.get({ url: redirect(`${other.origin}/echo`), headers })).body));
    expect(cross.headers.authorization).toBeUndefined();
    expect(cross.headers["x-other"]).toBe("kept");
  });

  test("past maxRedirects, the last redirect response is the answer", async () => {
    const http = httpPlugin(undefined, { http: { maxRedirects: 2 } });
    const twice = redirect(redirect(`${other.origin}/status/200`));
    expect((await http.get({ url: twice })).status).toBe(200);
    const thrice = redirect(redirect(redirect(`${other.origin}/status/200`)));
    const stopped = await http.get({ url: thrice });
    expect(stopped).toMatchObject({ status: 302, error: "", headers: { Location: `${other.origin}/status/200` } });
  });
});

describe("allowedUrls", () => {
  const permission = {
    allowLocalNetwork: true,
    allowedUrls: { "http://127.0.0.1:*/echo": ["GET"], "http://127.0.0.1:*/redirect": ["*"] },
  };

  test("a matching URL and method pass", async () => {
    expect((await httpPlugin(permission).get({ url: `${server.origin}/echo` })).status).toBe(200);
  });

  test("another method on the same URL is refused before any request", async () => {
    const before = requestsTo("/echo").length;
    const response = await httpPlugin(permission).post({ url: `${server.origin}/echo` });
    expect(response.error).toBe(`POST ${server.origin}/echo: POST ${server.origin}/echo is not in the permission's allowedUrls`);
    expect(requestsTo("/echo").length).toBe(before);
  });

  test("a URL outside the patterns is refused", async () => {
    expect((await httpPlugin(permission).get({ url: `${server.origin}/status/200` })).error).toMatch(
      /is not in the permission's allowedUrls/,
    );
  });

  test("every redirect hop is checked: a refused one answers the redirect itself", async () => {
    const response = await httpPlugin(permission).get({
      url: `${server.origin}/redirect?to=${encodeURIComponent(`${other.origin}/status/299`)}`,
    });
    expect(response).toMatchObject({ status: 302, error: "", headers: { Location: `${other.origin}/status/299` } });
    expect(other.requests.some((request) => request.path === "/status/299")).toBe(false);
  });

  test("a pattern that can never match is logged as a warning naming the plugin; an unknown method is refused", () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (message: string) => warnings.push(message) };
    httpPlugin({ allowedUrls: { "ftp://files.example.com": ["GET"], "api.example.com/*": ["GET"] } }, { logger });
    expect(warnings).toEqual([
      'plugin "test-plugin" permissions.http.allowedUrls: the pattern "ftp://files.example.com" can never match: ' +
        'the scheme "ftp" is not http or https, so it matches nothing',
      'plugin "test-plugin" permissions.http.allowedUrls: the pattern "api.example.com/*" can never match: ' +
        'it has no scheme, and Navidrome reads its host as a path, so it is refused; write "https://api.example.com/*"',
    ]);
    expect(() => httpPlugin({ allowedUrls: { "https://api.example.com": ["FETCH"] } })).toThrow(/unknown method "FETCH"/);
  });

  test("a path hiding `..` behind percent-encoding is refused before any request", async () => {
    const before = server.requests.length;
    const http = httpPlugin({ allowLocalNetwork: true, allowedUrls: { [`${server.origin}/echo/*`]: ["GET"] } });
    const response = await http.get({ url: `${server.origin}/echo/..%2fstatus/200` });
    expect(response.error).toBe(
      `GET ${server.origin}/echo/..%2fstatus/200: ${server.origin}/echo/..%2fstatus/200: the path hides "/", "\\", "." or ".." behind percent-encoding`,
    );
    expect(server.requests.length).toBe(before);
  });

  test("a percent-encoded path is matched decoded: an exact pattern without methods still refuses it", async () => {
    const before = server.requests.length;
    const allowedUrls = { [`${server.origin}/echo/secret`]: [], [`${server.origin}/echo/*`]: ["GET"] };
    const http = httpPlugin({ allowLocalNetwork: true, allowedUrls });
    const response = await http.get({ url: `${server.origin}/echo/%73ecret` });
    expect(response.error).toBe(`GET ${server.origin}/echo/%73ecret: GET ${server.origin}/echo/%73ecret is not in the permission's allowedUrls`);
    expect(server.requests.length).toBe(before);
    expect((await http.get({ url: `${server.origin}/echo/public` })).status).toBe(200);
  });
});

describe("local network refusal", () => {
  test("loopback is refused without allowLocalNetwork, and nothing reaches the server", async () => {
    const before = requestsTo("/echo").length;
    const response = await httpPlugin({}).get({ url: `${server.origin}/echo` });
    expect(response.error).toBe(
      `GET ${server.origin}/echo: 127.0.0.1 is a loopback address; local network access needs "allowLocalNetwork": true in the permission`,
    );
    expect(requestsTo("/echo").length).toBe(before);
  });

  test.each([
    ["decimal", "2130706433"],
    ["hexadecimal", "0x7f.0.0.1"],
    ["octal", "0177.0.0.1"],
    ["short", "127.1"],
    ["IPv4-mapped IPv6", "[::ffff:127.0.0.1]"],
    ["IPv6 loopback", "[::1]"],
    ["unspecified", "0.0.0.0"],
  ])("an IP literal spelled %s is refused", async (_spelling, host) => {
    const response = await httpPlugin({}).get({ url: `http://${host}:${server.port}/echo` });
    expect(response.error).toMatch(/is a (loopback|unspecified) address/);
  });

  test("a host name resolving to loopback is refused when connecting", async () => {
    const response = await httpPlugin({}).get({ url: `http://localhost:${server.port}/echo` });
    expect(response.error).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is a loopback address/);
  });

  test("the check runs on the address actually connected to", async () => {
    const dnsLookup = async (hostname: string) =>
      hostname === "music.test" ? [{ address: "127.0.0.1", family: 4 }] : [];
    const refused = await httpPlugin({}, { dnsLookup }).get({ url: `http://music.test:${server.port}/echo` });
    expect(refused.error).toMatch(/music.test resolves to 127.0.0.1, which is a loopback address/);
    const allowed = await httpPlugin({ allowLocalNetwork: true }, { dnsLookup }).get({
      url: `http://music.test:${server.port}/echo`,
    });
    expect(allowed.status).toBe(200);
    expect(JSON.parse(text(allowed.body)).headers.host).toBe(`music.test:${server.port}`);
  });

  describe("behind a host dispatcher", () => {
    const dnsLookup = async (hostname: string) => [
      { address: hostname === "public.test" ? "203.0.113.7" : "127.0.0.1", family: 4 },
    ];
    // Routes every request to the test server by changing its origin: the host's own choice, as a
    // test harness pointing plugins at local upstreams does.
    const routingDispatcher = () => {
      const agent = new Agent();
      cleanups.push(() => agent.close());
      return agent.compose((dispatch) => (options, handler) => dispatch({ ...options, origin: server.origin }, handler));
    };
    // Resolves "public.test" to 203.0.113.7 for nd's check, then to 127.0.0.1 when connecting.
    const rebindingDispatcher = () => {
      const toLoopback: LookupFunction = (_hostname, options, callback) =>
        options.all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4);
      const agent = new Agent({ connect: { lookup: toLoopback } });
      cleanups.push(() => agent.close());
      return agent;
    };
    const viaPublic = (to: string) =>
      `http://public.test:${server.port}/redirect?to=${encodeURIComponent(to)}`;

    test("a public name routed by the host passes, checked against the plugin's own URL", async () => {
      const http = httpPlugin(
        { allowedUrls: { "http://public.test:*/status/*": ["GET"] } },
        { http: { dispatcher: routingDispatcher() }, dnsLookup },
      );
      expect((await http.get({ url: `http://public.test:${server.port}/status/204` })).status).toBe(204);
      const outside = await http.get({ url: `http://public.test:${server.port}/echo` });
      expect(outside.error).toMatch(/is not in the permission's allowedUrls/);
    });

    test("a redirect to loopback is not followed: the plugin gets the redirect", async () => {
      const http = httpPlugin({}, { http: { dispatcher: routingDispatcher() }, dnsLookup });
      const before = requestsTo("/status/200").length;
      for (const target of [`http://127.0.0.1:${server.port}/status/200`, `http://internal.test:${server.port}/status/200`]) {
        const answer = await http.get({ url: viaPublic(target) });
        expect(answer).toMatchObject({ status: 302, error: "", headers: { Location: target } });
      }
      expect(requestsTo("/status/200").length).toBe(before);
    });

    test("a name the dispatcher resolves to loopback after nd saw a public address is refused, nothing sent", async () => {
      const before = server.requests.length;
      const http = httpPlugin({}, { http: { dispatcher: rebindingDispatcher() }, dnsLookup });
      const response = await http.get({ url: `http://public.test:${server.port}/status/204` });
      expect(response.status).toBe(0);
      expect(response.error).toMatch(/public.test resolves to 127.0.0.1, which is a loopback address/);
      expect(server.requests.length).toBe(before);
    });

    test("a dispatcher whose connector dials the test server itself is the host's routing, not rebinding", async () => {
      const dialing = new Agent({
        connect: ((_options: unknown, callback: (error: Error | null, socket: unknown) => void) => {
          const socket = connect(server.port, "127.0.0.1");
          socket.once("connect", () => callback(null, socket));
          socket.once("error", (error) => callback(error, null));
        }) as never,
      });
      cleanups.push(() => dialing.close());
      const http = httpPlugin({}, { http: { dispatcher: dialing }, dnsLookup });
      expect((await http.get({ url: `http://public.test:${server.port}/status/204` })).status).toBe(204);
    });

    test("with allowLocalNetwork the same dispatcher reaches loopback", async () => {
      const http = httpPlugin({ allowLocalNetwork: true }, { http: { dispatcher: rebindingDispatcher() }, dnsLookup });
      expect((await http.get({ url: `http://public.test:${server.port}/status/204` })).status).toBe(204);
    });
  });
});
