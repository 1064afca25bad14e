import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { CAPABILITIES, type CapabilityName } from "@nd/protocol";
import type { Logger, PluginManager } from "@nd/runtime";
import { requestFromJson, resolveMethod } from "../methods.js";
import { AgentChain, fanOutScrobble, lookupAlbum, lookupArtist, type ScrobbleRequest } from "./agents.js";
import { HttpError, readJsonBody, sendError, sendJson } from "./http-json.js";
import type { PluginHost } from "./plugin-host.js";
import type { PluginLogs } from "./plugin-logs.js";
import type { ServerMetrics } from "./prometheus.js";
import { guardRequest, type AccessPolicy } from "./request-guard.js";
import { renderLiveParts, renderStatusPage, type StatusView } from "./status-page.js";
import { STATUS_LIVE_PATH, STATUS_SCRIPT, STATUS_SCRIPT_PATH } from "./status-script.js";
import type { StoreStatus } from "./store-status.js";

export interface RouteContext {
  readonly host: PluginHost;
  readonly agentOrder: readonly string[];
  readonly logger: Logger;
  readonly access: AccessPolicy;
  readonly metrics: ServerMetrics;
  readonly logs: PluginLogs;
  readonly store: StoreStatus;
}

const CALL_PATH = /^\/api\/plugins\/([^/]+)\/call\/([^/]+)$/;
const EXPORT_PATH = /^\/api\/plugins\/([^/]+)\/exports\/(nd_[^/]+)$/;

/** Answers one request: the status page, /metrics, or the JSON API. */
export async function handle(context: RouteContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  response.setHeader("x-content-type-options", "nosniff");
  try {
    guardRequest(context.access, request);
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname === "/") return await sendStatusPage(context, request, response);
    if (url.pathname === "/metrics") return await sendMetrics(context, request, response);
    if (url.pathname === STATUS_SCRIPT_PATH) return sendStatusScript(request, response);
    if (url.pathname === STATUS_LIVE_PATH) return await sendLiveParts(context, request, response);
    const body = await route(context, context.host.manager, request, url);
    sendJson(response, 200, body);
  } catch (error) {
    sendError(response, error);
  } finally {
    context.logger.debug(`${request.method} ${request.url} ${response.statusCode}`, { method: request.method, url: request.url, status: response.statusCode });
  }
}

async function sendStatusPage(context: RouteContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  expectMethod(request.method ?? "GET", "GET");
  const nonce = randomBytes(16).toString("base64");
  const page = renderStatusPage({ ...(await statusView(context)), nonce });
  response.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(page),
    "content-security-policy": `default-src 'none'; script-src 'self'; style-src 'nonce-${nonce}'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
    "referrer-policy": "no-referrer",
  });
  response.end(page);
}

async function sendLiveParts(context: RouteContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  expectMethod(request.method ?? "GET", "GET");
  const parts = renderLiveParts(await statusView(context));
  response.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(parts),
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cache-control": "no-store",
  });
  response.end(parts);
}

async function statusView(context: RouteContext): Promise<Omit<StatusView, "nonce">> {
  const { manager } = context.host;
  return {
    store: await context.store.snapshot(),
    plugins: manager.list(),
    metrics: (plugin) => manager.metrics(plugin),
    logs: (plugin) => context.logs.recent(plugin),
    poolStats: manager.poolStats(),
  };
}

function sendStatusScript(request: IncomingMessage, response: ServerResponse): void {
  expectMethod(request.method ?? "GET", "GET");
  response.writeHead(200, {
    "content-type": "text/javascript; charset=utf-8",
    "content-length": Buffer.byteLength(STATUS_SCRIPT),
    "cache-control": "no-cache",
  });
  response.end(STATUS_SCRIPT);
}

async function sendMetrics(context: RouteContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  expectMethod(request.method ?? "GET", "GET");
  const text = await context.metrics.text();
  response.writeHead(200, { "content-type": context.metrics.contentType, "content-length": Buffer.byteLength(text) });
  response.end(text);
}

async function route(context: RouteContext, manager: PluginManager, request: IncomingMessage, url: URL): Promise<unknown> {
  const method = request.method ?? "GET";
  const call = CALL_PATH.exec(url.pathname);
  if (call) {
    expectMethod(method, "POST");
    return callPlugin(manager, decoded(call[1]!), decoded(call[2]!), await readJsonBody(request));
  }
  const exportCall = EXPORT_PATH.exec(url.pathname);
  if (exportCall) {
    expectMethod(method, "POST");
    return callExport(manager, decoded(exportCall[1]!), decoded(exportCall[2]!), await readJsonBody(request));
  }
  const params = (name: string) => url.searchParams.get(name) ?? "";
  switch (url.pathname) {
    case "/api/plugins":
      expectMethod(method, "GET");
      return listPlugins(manager);
    case "/api/artist":
      expectMethod(method, "GET");
      requireOne(url, ["name", "mbid", "id"]);
      return lookupArtist(new AgentChain(manager, context.agentOrder, context.logger), { id: params("id"), name: params("name"), mbid: params("mbid") });
    case "/api/album":
      expectMethod(method, "GET");
      requireOne(url, ["name", "mbid"]);
      return lookupAlbum(new AgentChain(manager, context.agentOrder, context.logger), {
        name: params("name"),
        artist: params("artist"),
        mbid: params("mbid"),
      });
    case "/api/scrobble":
    case "/api/now-playing": {
      expectMethod(method, "POST");
      const nowPlaying = url.pathname === "/api/now-playing";
      const scrobble = strictRequest("Scrobbler", nowPlaying ? "NowPlaying" : "Scrobble", await readJsonBody(request)) as ScrobbleRequest;
      return { results: await fanOutScrobble(manager, scrobble, nowPlaying) };
    }
    default:
      throw new HttpError(404, "NoSuchRoute", `no route ${method} ${url.pathname}; routes: GET /, GET /metrics, GET /api/plugins, POST /api/plugins/<name>/call/<Capability>.<Method>, GET /api/artist, GET /api/album, POST /api/scrobble, POST /api/now-playing`);
  }
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "BadRequest", `the path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}

function expectMethod(actual: string, expected: string): void {
  if (actual !== expected) throw new HttpError(405, "MethodNotAllowed", `use ${expected} here, not ${actual}`);
}

function requireOne(url: URL, names: string[]): void {
  if (!names.some((name) => url.searchParams.get(name))) {
    throw new HttpError(400, "BadRequest", `give at least one of the query parameters ${names.join(", ")}`);
  }
}

function listPlugins(manager: PluginManager): unknown {
  return manager.list().map((info) => ({
    name: info.id,
    generation: info.generation,
    ...(info.generation === 2 && info.manifest && { displayName: info.manifest.name }),
    version: info.manifest?.version,
    state: info.state,
    ...(info.error && { error: { kind: info.error.kind, message: info.error.message } }),
    ...(info.initError && { initError: { kind: info.initError.kind, message: info.initError.message } }),
    capabilities: info.capabilities,
    permissions: info.permissions,
    dev: info.isSymlink,
    metrics: manager.metrics(info.id),
  }));
}

async function callPlugin(manager: PluginManager, name: string, target: string, body: unknown): Promise<unknown> {
  let capability: CapabilityName;
  let method: string;
  try {
    ({ capability, method } = resolveMethod(target));
  } catch (error) {
    throw new HttpError(404, "NoSuchMethod", (error as Error).message);
  }
  const request = strictRequest(capability, method, body);
  return CAPABILITIES[capability].methods[method]!.responseType.toJSON(await manager.call(name, capability, method, request));
}

/** Generation 2: the body is the export's JSON input as it is; the answer is its output (null when empty, a string when not JSON). */
async function callExport(manager: PluginManager, id: string, exportName: string, body: unknown): Promise<unknown> {
  const output = new TextDecoder().decode(await manager.callExport(id, exportName, JSON.stringify(body)));
  if (output === "") return null;
  try {
    return JSON.parse(output) as unknown;
  } catch {
    return output;
  }
}

/** The request decoded strictly: a wrong field or type is a 400 that names it. */
function strictRequest(capability: CapabilityName, method: string, body: unknown): unknown {
  try {
    return requestFromJson(capability, method, body);
  } catch (error) {
    throw new HttpError(400, "BadRequest", (error as Error).message);
  }
}
