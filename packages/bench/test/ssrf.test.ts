import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "undici";
import { createHostServices, type DnsLookup, type HostServices, type ResolvedAddress } from "@nd/host-services";
import { startLocalHttpServer, type LocalHttpServer } from "./support/local-http-server.js";

/** Names the tests resolve themselves; anything else does not exist. */
const NAMES: Record<string, ResolvedAddress[]> = {
  localhost: [{ address: "127.0.0.1", family: 4 }],
  "loopback.test": [{ address: "127.0.0.1", family: 4 }],
  "loopback6.test": [{ address: "::1", family: 6 }],
  "metadata.test": [{ address: "169.254.169.254", family: 4 }],
  "private.test": [{ address: "10.1.2.3", family: 4 }],
  "mapped.test": [{ address: "::ffff:127.0.0.1", family: 6 }],
  "mixed.test": [
    { address: "203.0.113.7", family: 4 },
    { address: "192.168.1.20", family: 4 },
  ],
  // A public (documentation-range) answer: the first hop of the redirect tests is allowed.
  "public.test": [{ address: "203.0.113.7", family: 4 }],
};

const dnsLookup: DnsLookup = async (hostname) => {
  const answer = NAMES[hostname];
  if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return answer;
};

let server: LocalHttpServer;
/** Every connection goes to the local server, whatever the URL says: no test can reach another address. */
let toLoopbackOnly: Agent;
let guarded: HostServices;
let viaSystemAgent: HostServices;

beforeAll(async () => {
  server = await startLocalHttpServer();
  toLoopbackOnly = new Agent({
    connect: ((_options: unknown, callback: (error: Error | null, socket: unknown) => void) => {
      const socket = connect(server.port, "127.0.0.1");
      socket.once("connect", () => callback(null, socket));
      socket.once("error", (error) => callback(error, null));
    }) as never,
  });
  guarded = createHostServices({ dnsLookup, http: { dispatcher: toLoopbackOnly, defaultTimeoutMs: 5_000 } });
  viaSystemAgent = createHostServices({ dnsLookup, http: { defaultTimeoutMs: 5_000 } });
});

afterAll(async () => {
  await guarded?.close();
  await viaSystemAgent?.close();
  await toLoopbackOnly?.close();
  await server?.close();
});

const httpOf = (services: HostServices, allowLocalNetwork?: boolean) =>
  services.forPlugin({
    name: "ssrf-probe",
    permissions: { http: allowLocalNetwork === undefined ? {} : { allowLocalNetwork } },
    config: {},
  }).http!;

async function expectRefused(services: HostServices, url: string): Promise<string> {
  const hitsBefore = server.hits.length;
  const response = await httpOf(services).get({ url });
  expect(response.status, url).toBe(0);
  expect(response.error, url).toMatch(/allowLocalNetwork/);
  expect(server.hits.slice(hitsBefore), `${url} reached the server`).toEqual([]);
  return response.error;
}

describe("SSRF: the http service refuses local addresses without allowLocalNetwork", () => {
  const port = () => server.port;

  it("works at all: the same server answers when local networks are allowed", async () => {
    const response = await httpOf(viaSystemAgent, true).get({ url: `http://127.0.0.1:${port()}/hello` });
    expect(response.error).toBe("");
    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(response.body)).toBe("hello");
  });

  it.each([
    ["loopback", "http://127.0.0.1:{port}/"],
    ["loopback, other address of 127/8", "http://127.1.2.3:{port}/"],
    ["loopback IPv6", "http://[::1]:{port}/"],
    ["unspecified", "http://0.0.0.0:{port}/"],
    ["private 10/8", "http://10.0.0.1:{port}/"],
    ["private 172.16/12", "http://172.16.5.4:{port}/"],
    ["private 192.168/16", "http://192.168.1.1:{port}/"],
    ["carrier-grade NAT", "http://100.64.0.1:{port}/"],
    ["link-local", "http://169.254.10.10:{port}/"],
    ["cloud metadata", "http://169.254.169.254/latest/meta-data/"],
    ["cloud metadata (Alibaba)", "http://100.100.100.200/latest/meta-data/"],
    ["cloud metadata IPv6 (AWS)", "http://[fd00:ec2::254]/latest/meta-data/"],
    ["IPv4-mapped IPv6 loopback", "http://[::ffff:127.0.0.1]:{port}/"],
    ["IPv4-mapped IPv6 in hex", "http://[::ffff:7f00:1]:{port}/"],
    ["IPv4-mapped IPv6 metadata", "http://[::ffff:169.254.169.254]/"],
    ["NAT64 of loopback", "http://[64:ff9b::7f00:1]:{port}/"],
    ["unique-local IPv6", "http://[fd12:3456::1]:{port}/"],
    ["link-local IPv6", "http://[fe80::1]:{port}/"],
    ["decimal spelling", "http://2130706433:{port}/"],
    ["hex spelling", "http://0x7f000001:{port}/"],
    ["octal spelling", "http://0177.0.0.1:{port}/"],
    ["short spelling", "http://127.1:{port}/"],
    ["zero", "http://0:{port}/"],
  ])("%s: %s", async (_label, template) => {
    await expectRefused(guarded, template.replace("{port}", String(port())));
  });

  it.each([
    ["localhost", "http://localhost:{port}/"],
    ["a name resolving to loopback", "http://loopback.test:{port}/"],
    ["a name resolving to IPv6 loopback", "http://loopback6.test:{port}/"],
    ["a name resolving to an IPv4-mapped loopback", "http://mapped.test:{port}/"],
  ])("DNS, checked where the socket connects: %s", async (_label, template) => {
    await expectRefused(viaSystemAgent, template.replace("{port}", String(port())));
  });

  it.each([
    ["localhost", "http://localhost:{port}/"],
    ["a name resolving to cloud metadata", "http://metadata.test/"],
    ["a name resolving to a private address", "http://private.test/"],
    ["a name with one public and one private address", "http://mixed.test/"],
  ])("DNS, checked before the request: %s", async (_label, template) => {
    const error = await expectRefused(guarded, template.replace("{port}", String(port())));
    expect(error).toContain("resolves to");
  });

  it("follows a redirect between public addresses", async () => {
    const to = `http://public.test:${port()}/landing`;
    const response = await httpOf(guarded).get({ url: `http://public.test:${port()}/redirect?to=${encodeURIComponent(to)}` });
    expect(response.error).toBe("");
    expect(response.status).toBe(200);
    expect(server.hits.slice(-2)).toEqual([`/redirect?to=${encodeURIComponent(to)}`, "/landing"]);
  });

  it.each([
    "http://127.0.0.1:{port}/secret",
    "http://localhost:{port}/secret",
    "http://[::1]:{port}/secret",
    "http://2130706433:{port}/secret",
    "http://0x7f000001:{port}/secret",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.test/latest/meta-data/",
    "http://[::ffff:10.0.0.1]/secret",
  ])("refuses a redirect from a public address to %s", async (template) => {
    const target = template.replace("{port}", String(port()));
    const first = `/redirect?to=${encodeURIComponent(target)}`;
    const hitsBefore = server.hits.length;
    const response = await httpOf(guarded).get({ url: `http://public.test:${port()}${first}` });
    // As Navidrome: a refused redirect hands the plugin the 3xx itself, without following it.
    expect(response.status).toBeGreaterThanOrEqual(300);
    expect(response.status).toBeLessThan(400);
    expect(response.error).toBe("");
    // The first hop was served; the redirect target was refused before any connection.
    expect(server.hits.slice(hitsBefore)).toEqual([first]);
  });
});
