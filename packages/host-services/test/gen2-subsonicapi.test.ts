import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { PluginAccess, SubsonicApiHandler, UsersProvider } from "../src/index.js";
import { callJson, gen2PluginWith } from "./support/gen2-plugin.js";

// A small Subsonic server on 127.0.0.1: /rest/getCoverArt answers PNG bytes, everything else JSON of what it got.
const seen: URLSearchParams[] = [];
const subsonic = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://subsonic");
  seen.push(url.searchParams);
  if (url.pathname === "/rest/getCoverArt") {
    response.setHeader("content-type", "image/png");
    response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    return;
  }
  response.setHeader("content-type", "application/json");
  response.end(JSON.stringify({ "subsonic-response": { status: "ok", endpoint: url.pathname } }));
});
let origin = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => subsonic.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(subsonic.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => subsonic.close(() => resolve())));

const forward = (request: { endpoint: string; params: URLSearchParams; signal: AbortSignal }) =>
  fetch(`${origin}/rest/${request.endpoint}?${request.params}`, { signal: request.signal });

const handler: SubsonicApiHandler = {
  async user() {
    return { isAdmin: false };
  },
  call: async (request) => (await forward(request)).text(),
  async callRaw(request) {
    const response = await forward(request);
    return { contentType: response.headers.get("content-type") ?? "", body: new Uint8Array(await response.arrayBuffer()) };
  },
};

const users: UsersProvider = {
  listUsers: async () => [
    { id: "u1", userName: "alice", name: "Alice", isAdmin: false },
    { id: "u2", userName: "bob", name: "Bob", isAdmin: true },
  ],
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(() => Promise.all(cleanups.splice(0).map((cleanup) => cleanup())));

function subsonicPlugin(access: PluginAccess, subsonicHandler: SubsonicApiHandler = handler) {
  const plugin = gen2PluginWith(
    { subsonicapi: {}, users: {} },
    { subsonicapi: { handler: subsonicHandler }, users },
    { id: "sub-test", access },
  );
  cleanups.push(plugin.close);
  return plugin.services;
}

const everyone: PluginAccess = { users: "all", libraries: [], writeAccess: false };

describe("generation-2 subsonicapi service", () => {
  test("call answers the JSON text, with c=<plugin id>, v=1.16.1 and f=json; only the endpoint and query count", async () => {
    const answer = await callJson(subsonicPlugin(everyone), "subsonicapi_call", { uri: "http://x/rest/ping.view?u=alice&id=7" });
    expect(JSON.parse(answer.responseJson)).toEqual({ "subsonic-response": { status: "ok", endpoint: "/rest/ping" } });
    expect(Object.fromEntries(seen.at(-1)!)).toEqual({ id: "7", u: "alice", c: "sub-test", f: "json", v: "1.16.1" });
  });

  test("callraw answers the content type and the bytes, and sets no f", async () => {
    const answer = await callJson(subsonicPlugin(everyone), "subsonicapi_callraw", { uri: "/rest/getCoverArt?u=alice&id=al-1" });
    expect(answer).toEqual({ contentType: "image/png", data: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString("base64") });
    expect(seen.at(-1)!.has("f")).toBe(false);
    await callJson(subsonicPlugin(everyone), "subsonicapi_callraw", { uri: "/rest/ping?u=alice&f=xml" });
    expect(seen.at(-1)!.get("f")).toBe("xml");
  });

  test("the user scope answers v0.63's errors", async () => {
    const call = (access: PluginAccess, uri: string) => callJson(subsonicPlugin(access), "subsonicapi_call", { uri });
    const some: PluginAccess = { users: ["u1"], libraries: [], writeAccess: false };
    expect(await call({ ...some, users: [] }, "/rest/ping?u=alice")).toEqual({ error: "no users configured for plugin sub-test" });
    expect(await call(some, "/rest/ping?u=zed")).toEqual({ error: "username zed not found" });
    expect(await call(some, "/rest/ping?u=bob")).toEqual({ error: "user bob is not authorized for this plugin" });
    expect((await call(some, "/rest/ping?u=ALICE")).responseJson).toContain('"ok"');
    expect((await call(some, "/rest/ping")).error).toContain('missing required parameter "u"');
  });

  test("a host API without raw calls answers callraw with an error", async () => {
    const { callRaw: _unused, ...jsonOnly } = handler;
    const answer = await callJson(subsonicPlugin(everyone, jsonOnly), "subsonicapi_callraw", { uri: "/rest/ping?u=alice" });
    expect(answer).toEqual({ error: "this host's Subsonic API does not answer raw calls" });
  });
});
