import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SubsonicServerConfig } from "../config.js";

/** A small Subsonic server for the demo: a few read-only endpoints (getUsers and search3 for generation-2 providers) and `scrobble`, for two users. */
export interface DemoSubsonic {
  /** Base URL, e.g. "http://127.0.0.1:40125"; the API is under /rest. */
  readonly url: string;
  /** The `[Subsonic]` settings that point `nd serve` here: users "demo" and "admin" (an admin). */
  readonly config: SubsonicServerConfig;
  /** Every request that passed authentication, oldest first: endpoint and query (also at GET /demo/requests). */
  readonly requests: { endpoint: string; params: Record<string, string> }[];
  close(): Promise<void>;
}

const USERS: SubsonicServerConfig["users"] = {
  demo: { password: "demo-password", admin: false },
  admin: { password: "admin-password", admin: true },
};
const API_VERSION = "1.16.1";
/** The songs search3 finds (the id is what the demo's scrobble example sends). */
const DEMO_SONGS = [{ id: "so-what", title: "So What", artist: "Miles Davis", album: "Kind of Blue", duration: 545, track: 1, year: 1959 }];

type Answer = Record<string, unknown>;

export async function startDemoSubsonic(host = "127.0.0.1"): Promise<DemoSubsonic> {
  const requests: DemoSubsonic["requests"] = [];
  const server = createServer((request, response) => respond(request, response, requests));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    config: { url, users: USERS },
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function respond(request: IncomingMessage, response: ServerResponse, requests: DemoSubsonic["requests"]): void {
  const url = new URL(request.url ?? "/", "http://demo");
  if (url.pathname === "/demo/requests") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(requests));
    return;
  }
  const endpoint = /^\/rest\/([A-Za-z0-9]+?)(?:\.view)?$/.exec(url.pathname)?.[1];
  const params = url.searchParams;
  const reply = (body: Answer) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ "subsonic-response": { version: API_VERSION, type: "nd-demo", openSubsonic: true, ...body } }));
  };
  if (!endpoint) return reply(failed(0, `the nd demo Subsonic server has no ${url.pathname}`));
  const user = params.get("u") ?? "";
  if (!authenticated(user, params)) return reply(failed(40, "Wrong username or password"));
  requests.push({ endpoint, params: Object.fromEntries(params) });
  reply(answer(endpoint, user, params));
}

function authenticated(user: string, params: URLSearchParams): boolean {
  const account = USERS[user.toLowerCase()];
  const salt = params.get("s");
  if (!account || !salt) return false;
  return createHash("md5").update(account.password + salt).digest("hex") === params.get("t");
}

function answer(endpoint: string, user: string, params: URLSearchParams): Answer {
  switch (endpoint) {
    case "ping":
      return ok({});
    case "getLicense":
      return ok({ license: { valid: true, email: "demo@nd.invalid" } });
    case "getMusicFolders":
      return ok({ musicFolders: { musicFolder: [{ id: 1, name: "Demo Music" }] } });
    case "getScanStatus":
      return ok({ scanStatus: { scanning: false, count: 42 } });
    case "getUser": {
      const name = params.get("username") ?? user;
      const account = USERS[name.toLowerCase()];
      if (!account) return failed(70, `User not found: ${name}`);
      return ok({ user: { username: name.toLowerCase(), adminRole: account.admin, scrobblingEnabled: true, streamRole: true } });
    }
    case "getUsers":
      if (!USERS[user.toLowerCase()]?.admin) return failed(50, "User is not authorized for the given operation.");
      return ok({ users: { user: Object.entries(USERS).map(([username, account]) => ({ username, adminRole: account.admin })) } });
    case "search3": {
      const query = (params.get("query") ?? "").toLowerCase();
      return ok({ searchResult3: { song: DEMO_SONGS.filter((song) => song.title.toLowerCase().includes(query)) } });
    }
    case "scrobble":
      return params.get("id") ? ok({}) : failed(10, "Required parameter is missing: id");
    default:
      return failed(0, `the nd demo Subsonic server does not implement ${endpoint}`);
  }
}

function ok(body: Answer): Answer {
  return { status: "ok", ...body };
}

function failed(code: number, message: string): Answer {
  return { status: "failed", error: { code, message } };
}
