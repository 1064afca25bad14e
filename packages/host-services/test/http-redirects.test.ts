// Redirects as Navidrome v0.57 handles them: at most four followed, and the last 3xx itself
// (status, headers, body, no error) when a fifth would be needed or its target is refused.
import { createServer } from "node:http";
import { type AddressInfo, connect as netConnect, type LookupFunction, type Socket } from "node:net";
import { Agent } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { HostServicesOptions } from "../src/index.js";
import { pluginWith, text } from "./support/plugins.js";

/**
 * /chain/<n> answers 302 to /chain/<n-1> with the body "redirect <n>"; /chain/0 answers 200
 * "arrived". /to?url=<u> answers 307 to <u> with the body "moved". Every path asked is recorded.
 */
async function startRedirectingServer() {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://test");
    paths.push(url.pathname + url.search);
    const [, route, arg = ""] = url.pathname.split("/");
    if (route === "chain" && Number(arg) > 0) {
      const body = `redirect ${arg}`;
      response.writeHead(302, { location: `/chain/${Number(arg) - 1}`, "x-hop": arg, "content-length": body.length });
      response.end(body);
    } else if (route === "to") {
      response.writeHead(307, { location: url.searchParams.get("url") ?? "/", "content-length": 5 });
      response.end("moved");
    } else {
      response.end("arrived");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let server: Awaited<ReturnType<typeof startRedirectingServer>>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startRedirectingServer();
});
beforeEach(() => {
  server.paths.length = 0;
});
afterAll(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  await server.close();
});

function httpPlugin(permission: object, options: HostServicesOptions = {}) {
  const plugin = pluginWith({ http: permission }, options);
  cleanups.push(plugin.close);
  return plugin.services.http!;
}

const local = { allowLocalNetwork: true };

describe("redirects followed, as Navidrome", () => {
  test("four redirects are followed to the final answer", async () => {
    const response = await httpPlugin(local).get({ url: `${server.origin}/chain/4` });
    expect(response).toMatchObject({ status: 200, error: "" });
    expect(text(response.body)).toBe("arrived");
    expect(server.paths).toEqual(["/chain/4", "/chain/3", "/chain/2", "/chain/1", "/chain/0"]);
  });

  test("the fifth 3xx is handed to the plugin itself: status, Location, Content-Length, body, no error", async () => {
    const response = await httpPlugin(local).get({ url: `${server.origin}/chain/5` });
    expect(server.paths).toEqual(["/chain/5", "/chain/4", "/chain/3", "/chain/2", "/chain/1"]);
    expect(response.error).toBe("");
    expect(response.status).toBe(302);
    expect(response.headers).toMatchObject({ Location: "/chain/0", "Content-Length": "10", "X-Hop": "1" });
    expect(text(response.body)).toBe("redirect 1");
  });

  test("maxRedirects 0 answers the first redirect", async () => {
    const response = await httpPlugin(local, { http: { maxRedirects: 0 } }).get({ url: `${server.origin}/chain/3` });
    expect(server.paths).toEqual(["/chain/3"]);
    expect(response).toMatchObject({ status: 302, error: "", headers: { Location: "/chain/2" } });
  });
});

describe("a redirect whose target is refused answers the redirect itself", () => {
  test("a target outside allowedUrls: the 307 with its Location, and nothing sent there", async () => {
    const http = httpPlugin({ ...local, allowedUrls: { "http://127.0.0.1:*/to": ["GET"] } });
    const target = `${server.origin}/chain/0`;
    const response = await http.get({ url: `${server.origin}/to?url=${encodeURIComponent(target)}` });
    expect(server.paths).toEqual([`/to?url=${encodeURIComponent(target)}`]);
    expect(response).toMatchObject({ status: 307, error: "", headers: { Location: target, "Content-Length": "5" } });
    expect(text(response.body)).toBe("moved");
  });

  test("the first request itself stays an error when refused", async () => {
    const http = httpPlugin({ ...local, allowedUrls: { "http://127.0.0.1:*/to": ["GET"] } });
    const response = await http.get({ url: `${server.origin}/chain/0` });
    expect(response.status).toBe(0);
    expect(response.error).toMatch(/is not in the permission's allowedUrls/);
    expect(server.paths).toEqual([]);
  });

  describe("by the local-network rule (nd's stricter address checks stay)", () => {
    // The host routes every request to the test server; nd checks the plugin's own URLs.
    const routing = () => {
      const agent = new Agent();
      cleanups.push(() => agent.close());
      return agent.compose((dispatch) => (options, handler) => dispatch({ ...options, origin: server.origin }, handler));
    };
    const dnsLookup = async (hostname: string) => [
      { address: hostname === "public.test" ? "203.0.113.7" : "127.0.0.1", family: 4 },
    ];
    const viaPublic = (target: string) => `http://public.test:${server.port}/to?url=${encodeURIComponent(target)}`;

    test("a name that reaches loopback only when the host's dispatcher connects (refused while sending)", async () => {
      // public.test is dialled straight to the test server (the host's routing); any other name is
      // looked up by its socket, and that lookup answers 127.0.0.1 though nd's check saw 203.0.113.7.
      const toLoopback: LookupFunction = (_hostname, options, callback) =>
        options.all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4);
      const connector = ((options: { hostname: string; port: string }, callback: (error: Error | null, socket: Socket | null) => void) => {
        const socket =
          options.hostname === "public.test"
            ? netConnect(server.port, "127.0.0.1")
            : netConnect({ host: options.hostname, port: Number(options.port), lookup: toLoopback });
        socket.once("connect", () => callback(null, socket));
        socket.once("error", (error) => callback(error, null));
      }) as never;
      const agent = new Agent({ connect: connector });
      cleanups.push(() => agent.close());
      const publicOnly = async () => [{ address: "203.0.113.7", family: 4 }];
      const http = httpPlugin({}, { http: { dispatcher: agent }, dnsLookup: publicOnly });
      const target = `http://rebind.test:${server.port}/chain/0`;
      const response = await http.get({ url: viaPublic(target) });
      expect(server.paths).toEqual([`/to?url=${encodeURIComponent(target)}`]);
      expect(response).toMatchObject({ status: 307, error: "", headers: { Location: target } });
    });

    test.each([
      ["a loopback address", () => `http://127.0.0.1:${server.port}/chain/0`],
      ["a name resolving to loopback", () => `http://internal.test:${server.port}/chain/0`],
    ])("%s", async (_title, target) => {
      const http = httpPlugin({}, { http: { dispatcher: routing() }, dnsLookup });
      const response = await http.get({ url: viaPublic(target()) });
      expect(server.paths).toEqual([`/to?url=${encodeURIComponent(target())}`]);
      expect(response).toMatchObject({ status: 307, error: "", headers: { Location: target() } });
      expect(text(response.body)).toBe("moved");
    });
  });
});
