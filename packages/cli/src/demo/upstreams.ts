import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { artistNamed, DEMO_ALBUMS, DEMO_ARTISTS } from "./catalog.js";

/** The demo's stand-ins for MusicBrainz, Wikipedia, ListenBrainz, the Cover Art Archive and a live-events WebSocket server. */
export interface DemoUpstreams {
  /** Base URL of every HTTP API, e.g. "http://127.0.0.1:40123". */
  readonly url: string;
  /** The WebSocket events endpoint. */
  readonly wsUrl: string;
  /** The ListenBrainz token the fake API accepts. */
  readonly listenBrainzToken: string;
  /** Listens the fake ListenBrainz received, newest last. */
  readonly listens: unknown[];
  /** Text messages the events server received from plugins. */
  readonly eventMessages: string[];
  close(): Promise<void>;
}

const TOKEN = "nd-demo-token";

export async function startDemoUpstreams(host = "127.0.0.1"): Promise<DemoUpstreams> {
  const listens: unknown[] = [];
  const eventMessages: string[] = [];
  const server = createServer((request, response) => {
    void answer(request, response, listens, eventMessages).catch((error: Error) => send(response, 500, { error: error.message }));
  });
  const events = new WebSocketServer({ server, path: "/events" });
  events.on("connection", (socket) => greet(socket, eventMessages));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const pings = setInterval(() => {
    for (const socket of events.clients) socket.send("ping");
  }, 5000);
  pings.unref();
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/events`,
    listenBrainzToken: TOKEN,
    listens,
    eventMessages,
    close: () => closeAll(server, events, pings),
  };
}

function greet(socket: WebSocket, received: string[]): void {
  socket.on("message", (data, isBinary) => {
    if (!isBinary) received.push(data.toString());
  });
  socket.send("ping");
}

async function closeAll(server: Server, events: WebSocketServer, pings: NodeJS.Timeout): Promise<void> {
  clearInterval(pings);
  for (const socket of events.clients) socket.terminate();
  await new Promise<void>((resolve) => events.close(() => resolve()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The quoted value of `field:"..."` in a MusicBrainz search query. */
function queryField(query: string, field: string): string {
  const match = new RegExp(`${field}:"((?:[^"\\\\]|\\\\.)*)"`).exec(query);
  return match ? match[1]!.replace(/\\(.)/g, "$1") : "";
}

async function answer(request: IncomingMessage, response: ServerResponse, listens: unknown[], eventMessages: string[]): Promise<void> {
  const url = new URL(request.url ?? "/", "http://demo");
  const path = decodeURIComponent(url.pathname);
  const query = url.searchParams.get("query") ?? "";
  const base = `http://${request.headers.host}`;
  let match: RegExpExecArray | null;

  if (path === "/ws/2/artist") {
    const artist = artistNamed(queryField(query, "artist"));
    return send(response, 200, { artists: artist ? [{ id: artist.mbid, name: artist.name, score: 100 }] : [] });
  }
  if ((match = /^\/ws\/2\/artist\/([^/]+)$/.exec(path))) {
    const artist = DEMO_ARTISTS.find((candidate) => candidate.mbid === match![1]);
    if (!artist) return send(response, 404, { error: "Not Found" });
    const relations = artist.related.map((name) => artistNamed(name)!).map((related) => ({
      type: "collaboration",
      "target-type": "artist",
      artist: { id: related.mbid, name: related.name },
    }));
    return send(response, 200, { id: artist.mbid, name: artist.name, relations });
  }
  if (path === "/ws/2/release-group") {
    const title = queryField(query, "releasegroup").toLowerCase();
    const album = DEMO_ALBUMS.find((candidate) => candidate.title.toLowerCase() === title);
    return send(response, 200, { "release-groups": album ? [{ id: album.mbid, title: album.title, score: 100 }] : [] });
  }
  if ((match = /^\/api\/rest_v1\/page\/summary\/(.+)$/.exec(path))) {
    const title = match[1]!.replace(/_/g, " ");
    const artist = artistNamed(title);
    const album = DEMO_ALBUMS.find((candidate) => candidate.title.toLowerCase() === title.toLowerCase());
    const extract = artist?.biography ?? album?.description;
    if (!extract) return send(response, 404, { title: "Not found." });
    const image = `${base}/images/${encodeURIComponent(title)}`;
    return send(response, 200, {
      title,
      extract,
      thumbnail: { source: `${image}-320.jpg`, width: 320, height: 320 },
      originalimage: { source: `${image}.jpg`, width: 1200, height: 1200 },
      content_urls: { desktop: { page: `${base}/wiki/${encodeURIComponent(title)}` } },
    });
  }
  if ((match = /^\/release\/([^/]+)$/.exec(path))) {
    const album = DEMO_ALBUMS.find((candidate) => candidate.mbid === match![1]);
    if (!album) return send(response, 404, { error: "Not Found" });
    const image = `${base}/images/${album.mbid}`;
    return send(response, 200, {
      images: [{ front: true, image: `${image}.jpg`, thumbnails: { "250": `${image}-250.jpg`, "500": `${image}-500.jpg` } }],
    });
  }
  if (path === "/1/validate-token") {
    const valid = request.headers.authorization === `Token ${TOKEN}`;
    return send(response, valid ? 200 : 401, { code: valid ? 200 : 401, valid, user_name: valid ? "demo" : undefined });
  }
  if (path === "/1/submit-listens" && request.method === "POST") {
    if (request.headers.authorization !== `Token ${TOKEN}`) return send(response, 401, { code: 401, error: "Invalid token" });
    listens.push(JSON.parse(await readBody(request)));
    return send(response, 200, { status: "ok" });
  }
  if (path === "/demo/listens") return send(response, 200, listens);
  if (path === "/demo/events") return send(response, 200, eventMessages);
  return send(response, 404, { error: `the nd demo upstreams have no ${path}` });
}
