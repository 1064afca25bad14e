// The as-subsonic-relay example through the runtime: configuration keys arrive lowercased,
// an OnInit error keeps the plugin loaded, and its Subsonic calls reach the host's handler.
import type { SubsonicApiHandler, SubsonicRequest } from "@nd/host-services";
import { PluginCallError } from "@nd/runtime";
import { afterEach, describe, expect, test } from "vitest";
import { examplePluginsFolder, managers } from "./support/examples.js";

const TRACK = { id: "tr-7", name: "Sinnerman", artists: [{ name: "Nina Simone", mbid: "" }], length: 621 };

/** The embedding music server's Subsonic API: users "nina" and "root" (an admin). */
function musicServer() {
  const received: SubsonicRequest[] = [];
  const handler: SubsonicApiHandler = {
    user: async (username) => ({ nina: { isAdmin: false }, root: { isAdmin: true } })[username.toLowerCase()],
    call: async (request) => {
      received.push(request);
      const failed = request.endpoint === "scrobble" && !request.params.get("id");
      return JSON.stringify({ "subsonic-response": failed ? { status: "failed", error: { code: 10 } } : { status: "ok", version: "1.16.1" } });
    },
  };
  return { handler, received };
}

const running = managers();
afterEach(() => running.stop());

async function startRelay(config: Record<string, string>, server = musicServer()) {
  const folder = examplePluginsFolder("as-subsonic-relay", {});
  const started = await running.start({
    folder,
    pluginConfig: { "as-subsonic-relay": config },
    hostServices: { subsonicapi: { handler: server.handler } },
  });
  return { ...started, server, relay: started.manager.scrobblers()[0]! };
}

describe("as-subsonic-relay", () => {
  test("reads its README's `Users` as `users`, and pings the Subsonic API as the user", async () => {
    const { relay, server, manager } = await startRelay({ Users: "Nina" });
    expect(manager.list()[0]).toMatchObject({ state: "loaded" });
    expect(manager.list()[0]!.initError).toBeUndefined();
    await expect(relay.isAuthorized({ username: "nina" })).resolves.toEqual({ authorized: true, error: "" });
    await expect(relay.isAuthorized({ username: "someone-else" })).resolves.toEqual({ authorized: false, error: "" });
    expect(server.received).toHaveLength(1);
    const [ping] = server.received;
    expect(ping!.endpoint).toBe("ping");
    expect(Object.fromEntries(ping!.params)).toEqual({ u: "nina", c: "as-subsonic-relay", f: "json", v: "1.16.1" });
  });

  test("an admin the permission does not allow is not authorized: the ping is refused", async () => {
    const { relay, server } = await startRelay({ USERS: "root" });
    await expect(relay.isAuthorized({ username: "root" })).resolves.toEqual({ authorized: false, error: "" });
    expect(server.received).toEqual([]);
  });

  test("now playing and scrobbles go to the scrobble endpoint", async () => {
    const { relay, server } = await startRelay({ Users: "nina" });
    await relay.nowPlaying({ username: "nina", track: TRACK });
    await relay.scrobble({ username: "nina", track: TRACK, timestamp: 1_700_000_000n });
    expect(server.received.map((request) => [request.endpoint, request.params.get("id"), request.params.get("submission"), request.params.get("time")])).toEqual([
      ["scrobble", "tr-7", "false", null],
      ["scrobble", "tr-7", "true", "1700000000000"],
    ]);
    await expect(relay.scrobble({ username: "nina", track: { ...TRACK, id: "" }, timestamp: 1n })).rejects.toThrow(
      /as-subsonic-relay: scrobble did not succeed: .*"status":"failed"/,
    );
  });

  test("without Users, OnInit's error is logged and listed, and the plugin stays loaded and answers", async () => {
    const { manager, lines, relay } = await startRelay({});
    const [info] = manager.list();
    expect(info).toMatchObject({ name: "as-subsonic-relay", state: "loaded" });
    expect(info!.initError).toBeInstanceOf(PluginCallError);
    expect(info!.initError!.message).toContain("as-subsonic-relay: Users is not set");
    expect(lines).toContainEqual(expect.stringMatching(/^error: plugin as-subsonic-relay: OnInit failed, the plugin stays loaded: .*Users is not set/));
    await expect(relay.isAuthorized({ username: "nina" })).rejects.toThrow("Users is not set");
    await expect(relay.nowPlaying({ username: "nina", track: TRACK })).resolves.toEqual({ error: "" });
  });
});
