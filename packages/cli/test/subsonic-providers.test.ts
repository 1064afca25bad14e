// The generation-2 users, libraries and matcher providers of `nd serve`, against the demo's real Subsonic server on 127.0.0.1.
import { afterEach, expect, test } from "vitest";
import { startDemoSubsonic, type DemoSubsonic } from "../src/demo/subsonic.js";
import { musicServerProviders } from "../src/serve/subsonic-providers.js";

const servers: DemoSubsonic[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function recordingLogger() {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, logger: { debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error") } };
}

async function demoSubsonic(): Promise<DemoSubsonic> {
  const server = await startDemoSubsonic();
  servers.push(server);
  return server;
}

test("asked as the first admin account: users from getUsers, libraries from getMusicFolders, songs matched with search3; the source says which", async () => {
  const subsonic = await demoSubsonic();
  const { lines, logger } = recordingLogger();

  const { providers, source } = musicServerProviders(subsonic.config, logger);

  expect(source).toBe(`the Subsonic server ${subsonic.url} (getUsers, getMusicFolders, search3) as admin`);
  expect(await providers.users.listUsers()).toEqual([
    { id: "demo", userName: "demo", name: "demo", isAdmin: false },
    { id: "admin", userName: "admin", name: "admin", isAdmin: true },
  ]);
  expect(await providers.libraries.listLibraries()).toMatchObject([{ id: 1, name: "Demo Music" }]);
  const matched = await providers.matcher.matchSongs(
    [{ name: "so what", artist: "Miles Davis" }, { name: "So What", artist: "Someone Else" }, { name: "Unknown" }],
    { libraryIds: "all" },
  );
  expect(matched).toEqual([expect.objectContaining({ id: "so-what", title: "So What", artist: "Miles Davis", album: "Kind of Blue" }), null, null]);
  expect(await providers.matcher.matchSongs([{ name: "So What" }], { libraryIds: [] })).toEqual([null]);
  expect(subsonic.requests.map((request) => [request.endpoint, request.params.u])).toEqual([
    ["getUsers", "admin"],
    ["getMusicFolders", "admin"],
    ["search3", "admin"],
    ["search3", "admin"],
    ["search3", "admin"],
  ]);
});

test("when the server refuses getUsers (no admin account), the users are the configured accounts, and the log says so", async () => {
  const subsonic = await demoSubsonic();
  const { lines, logger } = recordingLogger();
  const config = { ...subsonic.config, users: { demo: subsonic.config.users.demo! } };

  const users = await musicServerProviders(config, logger).providers.users.listUsers();

  expect(users).toEqual([{ id: "demo", userName: "demo", name: "demo", isAdmin: false }]);
  expect(lines[0]).toMatch(/^warn users for generation-2 plugins: from \[Subsonic.Users\] in the config, since the Subsonic server refused getUsers: /);
});

test("without a [Subsonic] server the providers answer nothing, and the source says so", async () => {
  const { lines, logger } = recordingLogger();

  const { providers, source } = musicServerProviders(undefined, logger);

  expect(await providers.users.listUsers()).toEqual([]);
  expect(await providers.matcher.matchSongs([{ name: "x" }], { libraryIds: "all" })).toEqual([null]);
  expect(source).toBe("none (no [Subsonic] server with an account in the config)");
  expect(lines).toEqual([]);
});
