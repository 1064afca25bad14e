import type { IncomingMessage, ServerResponse } from "node:http";
import { CAPABILITIES, type CapabilityName } from "@nd/protocol";
import type { Logger, PluginManager } from "@nd/runtime";
import { requestFromJson, resolveMethod } from "../methods.js";
import { AgentChain, fanOutScrobble, lookupAlbum, lookupArtist } from "./agents.js";
import { errorReply, HttpError, readJsonBody, sendJson } from "./http-json.js";
import type { PluginHost } from "./plugin-host.js";

export interface RouteContext {
  readonly host: PluginHost;
  readonly agentOrder: readonly string[];
  readonly logger: Logger;
}

const CALL_PATH = /^\/api\/plugins\/([^/]+)\/call\/([^/]+)$/;

/** Answers one request of the reference host's HTTP API. */
export async function handle(context: RouteContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const url = new URL(request.url ?? "/", "http://localhost");
    const body = await context.host.use((manager) => route(context, manager, request, url));
    sendJson(response, 200, body);
  } catch (error) {
    const { status, body } = errorReply(error);
    sendJson(response, status, body);
  }
}

async function route(context: RouteContext, manager: PluginManager, request: IncomingMessage, url: URL): Promise<unknown> {
  const method = request.method ?? "GET";
  const call = CALL_PATH.exec(url.pathname);
  if (call) {
    expectMethod(method, "POST");
    return callPlugin(manager, decoded(call[1]!), decoded(call[2]!), await readJsonBody(request));
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
    case "/api/now-playing":
      expectMethod(method, "POST");
      return { results: await fanOutScrobble(manager, await readJsonBody(request), url.pathname === "/api/now-playing") };
    default:
      throw new HttpError(404, "NoSuchRoute", `no route ${method} ${url.pathname}; routes: GET /api/plugins, POST /api/plugins/<name>/call/<Capability>.<Method>, GET /api/artist, GET /api/album, POST /api/scrobble, POST /api/now-playing`);
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
    name: info.name,
    version: info.manifest?.version,
    state: info.state,
    ...(info.error && { error: { kind: info.error.kind, message: info.error.message } }),
    ...(info.initError && { initError: { kind: info.initError.kind, message: info.initError.message } }),
    capabilities: info.capabilities,
    permissions: info.permissions,
    dev: info.isSymlink,
    metrics: manager.metrics(info.name),
  }));
}

async function callPlugin(manager: PluginManager, name: string, target: string, body: unknown): Promise<unknown> {
  let capability: CapabilityName;
  let method: string;
  let request: unknown;
  try {
    ({ capability, method } = resolveMethod(target));
    request = requestFromJson(capability, method, body);
  } catch (error) {
    throw new HttpError(400, "BadRequest", (error as Error).message);
  }
  return CAPABILITIES[capability].methods[method]!.responseType.toJSON(await manager.call(name, capability, method, request));
}
