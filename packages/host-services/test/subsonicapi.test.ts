import { subsonicapi } from "@nd/protocol";
import { afterEach, describe, expect, test } from "vitest";
import { createHostServices, type HostServicesOptions, type SubsonicApiHandler, type SubsonicRequest } from "../src/index.js";

/** A small Subsonic API of an embedding host: three users, and `ping` / `getUser` / `slow` / `huge`. */
function fakeMusicServer() {
  const received: SubsonicRequest[] = [];
  const users: Record<string, { isAdmin: boolean }> = { alice: { isAdmin: false }, bob: { isAdmin: false }, admin: { isAdmin: true } };
  const handler: SubsonicApiHandler = {
    async user(username) {
      return users[username.toLowerCase()];
    },
    async call(request) {
      received.push(request);
      if (request.endpoint === "slow") return new Promise((_resolve, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));
      if (request.endpoint === "huge") return JSON.stringify({ "subsonic-response": { status: "ok", blob: "x".repeat(2000) } });
      if (request.endpoint === "broken") throw new Error("database is locked");
      return JSON.stringify({ "subsonic-response": { status: "ok", version: request.params.get("v"), endpoint: request.endpoint } });
    },
  };
  return { handler, received };
}

let closeHost: (() => Promise<void>) | undefined;
afterEach(async () => closeHost?.());

function pluginWith(permission: Record<string, unknown>, options: HostServicesOptions = {}) {
  const host = createHostServices(options);
  closeHost = () => host.close();
  return host.forPlugin({ name: "my-plugin", permissions: { subsonicapi: permission }, config: {} });
}

describe("subsonicapi", () => {
  test("answers the JSON text of the response; only the endpoint and query of the URL are used", async () => {
    const server = fakeMusicServer();
    const plugin = pluginWith({}, { subsonicapi: { handler: server.handler } });
    const answer = await plugin.subsonicapi!.call({ url: "http://elsewhere.example/some/where/ping.view?u=alice&x=1&x=2" });
    expect(answer.error).toBe("");
    expect(JSON.parse(answer.json)).toEqual({ "subsonic-response": { status: "ok", version: "1.16.1", endpoint: "ping" } });
    const [request] = server.received;
    expect(request!.username).toBe("alice");
    expect(request!.pluginName).toBe("my-plugin");
    expect(request!.params.toString()).toBe("x=1&x=2&u=alice&c=my-plugin&f=json&v=1.16.1");
  });

  test("the host's c, f and v replace the plugin's, and credentials are dropped", async () => {
    const server = fakeMusicServer();
    const plugin = pluginWith({}, { subsonicapi: { handler: server.handler } });
    await plugin.subsonicapi!.call({ url: "/rest/getUser?u=bob&u=alice&c=spoof&f=xml&v=1.0.0&p=secret&t=x&s=y&apiKey=k&username=bob" });
    expect(Object.fromEntries(server.received[0]!.params)).toEqual({ u: "bob", c: "my-plugin", f: "json", v: "1.16.1", username: "bob" });
  });

  test("no credential a plugin supplies reaches the server, in any spelling", async () => {
    const server = fakeMusicServer();
    const plugin = pluginWith({ allowedUsernames: ["alice"] }, { subsonicapi: { handler: server.handler } });
    const credentials = "jwt=token&JWT=token&apiKey=k&APIKEY=k&P=enc:73&T=x&S=y&U=admin&C=spoof&F=xml&V=1.0.0";
    expect((await plugin.subsonicapi!.call({ url: `/rest/getUser?u=alice&${credentials}&id=7` })).error).toBe("");
    expect([...server.received[0]!.params]).toEqual([
      ["id", "7"],
      ["u", "alice"],
      ["c", "my-plugin"],
      ["f", "json"],
      ["v", "1.16.1"],
    ]);
  });

  test.each([
    ["/rest/ping", /missing required parameter "u"/],
    ["/rest/ping?u=", /missing required parameter "u"/],
    // The URL parser resolves dot segments first: nothing is left of the path.
    ["/rest/..?u=alice", /^"" is not a Subsonic endpoint/],
    ["/rest/%2e%2e?u=alice", /^"" is not a Subsonic endpoint/],
    ["/?u=alice", /^"" is not a Subsonic endpoint/],
    ["/rest/ping.json?u=alice", /"ping.json" is not a Subsonic endpoint/],
    ["/rest/get%2FUser?u=alice", /"get\/User" is not a Subsonic endpoint/],
    ["http://[::1?u=alice", /invalid URL/],
  ])("%s is refused", async (url, error) => {
    const server = fakeMusicServer();
    const plugin = pluginWith({}, { subsonicapi: { handler: server.handler } });
    const answer = await plugin.subsonicapi!.call({ url });
    expect(answer).toEqual({ json: "", error: expect.stringMatching(error) });
    expect(server.received).toEqual([]);
  });

  test("allowedUsernames is compared without regard to case", async () => {
    const server = fakeMusicServer();
    const plugin = pluginWith({ allowedUsernames: ["Alice"] }, { subsonicapi: { handler: server.handler } });
    expect((await plugin.subsonicapi!.call({ url: "/rest/ping?u=ALICE" })).error).toBe("");
    expect((await plugin.subsonicapi!.call({ url: "/rest/ping?u=bob" })).error).toBe(
      'user "bob" is not allowed: it is not in the allowedUsernames of the subsonicapi permission',
    );
    // A name from the plugin is quoted as JSON, so it cannot add lines to the host's log.
    expect((await plugin.subsonicapi!.call({ url: "/rest/ping?u=x%0Aerror:%20forged" })).error).toBe(
      'user "x\\nerror: forged" is not allowed: it is not in the allowedUsernames of the subsonicapi permission',
    );
    expect(server.received.map((request) => request.username)).toEqual(["ALICE"]);
  });

  test("admins are refused unless allowAdmins, and unknown users are refused", async () => {
    const server = fakeMusicServer();
    const strict = pluginWith({}, { subsonicapi: { handler: server.handler } });
    expect((await strict.subsonicapi!.call({ url: "/rest/ping?u=admin" })).error).toBe(
      'user "admin" is not allowed: it is an admin, and the subsonicapi permission does not have allowAdmins',
    );
    expect((await strict.subsonicapi!.call({ url: "/rest/ping?u=nobody" })).error).toBe('no user "nobody"');
    await closeHost!();
    const trusting = pluginWith({ allowAdmins: true }, { subsonicapi: { handler: server.handler } });
    expect((await trusting.subsonicapi!.call({ url: "/rest/ping?u=admin" })).error).toBe("");
    expect(server.received.map((request) => request.username)).toEqual(["admin"]);
  });

  test("a hung API is cut at the deadline, and its request aborted", async () => {
    const server = fakeMusicServer();
    const plugin = pluginWith({}, { subsonicapi: { handler: server.handler, timeoutMs: 50 } });
    const answer = await plugin.subsonicapi!.call({ url: "/rest/slow?u=alice" });
    expect(answer.error).toBe("Subsonic API call failed: timed out after 50 ms");
    expect(server.received[0]!.signal.aborted).toBe(true);
  });

  test("the end of the plugin call that made it aborts the host's request", async () => {
    const server = fakeMusicServer();
    const plugin = pluginWith({}, { subsonicapi: { handler: server.handler } });
    const callEnded = new AbortController();
    const answer = plugin.subsonicapi!.call({ url: "/rest/slow?u=alice" }, { signal: callEnded.signal });
    while (server.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    callEnded.abort(new Error("deadline"));
    expect((await answer).error).toBe("Subsonic API call failed: the plugin call that made it ended");
    expect(server.received[0]!.signal.aborted).toBe(true);
  });

  test("a hung user lookup is cut at the same deadline", async () => {
    const server = fakeMusicServer();
    const handler = { ...server.handler, user: () => new Promise<undefined>(() => {}) };
    const plugin = pluginWith({}, { subsonicapi: { handler, timeoutMs: 50 } });
    expect((await plugin.subsonicapi!.call({ url: "/rest/ping?u=alice" })).error).toBe("Subsonic API call failed: timed out after 50 ms");
    expect(server.received).toEqual([]);
  });

  test("too large an answer and a failing API are errors", async () => {
    const server = fakeMusicServer();
    const plugin = pluginWith({}, { subsonicapi: { handler: server.handler, maxResponseBytes: 1000 } });
    expect((await plugin.subsonicapi!.call({ url: "/rest/huge?u=alice" })).error).toBe("the huge response is larger than 1000 bytes");
    expect((await plugin.subsonicapi!.call({ url: "/rest/broken?u=alice" })).error).toBe("Subsonic API call failed: database is locked");
  });

  test("without a handler the plugin is served and every call answers an error", async () => {
    const plugin = pluginWith({});
    expect(plugin.importNames).toEqual(["call"]);
    expect(await plugin.subsonicapi!.call({ url: "/rest/ping?u=alice" })).toEqual({ json: "", error: "this host has no Subsonic API" });
  });

  test("is reached through the wire entry as env.call", async () => {
    const server = fakeMusicServer();
    const plugin = pluginWith({}, { subsonicapi: { handler: server.handler } });
    const bytes = await plugin.call("call", subsonicapi.CallRequest.encode({ url: "/rest/ping?u=alice" }).finish());
    expect(JSON.parse(subsonicapi.CallResponse.decode(bytes).json)["subsonic-response"].status).toBe("ok");
  });
});
