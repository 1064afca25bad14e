import type { SubsonicApiPermission } from "@nd/manifest";
import type { Logger, ResolvedOptions } from "../options.js";
import { parseSubsonicUrl, type SubsonicFormat } from "./subsonic-url.js";
import type { HostCallOptions } from "../host-call-options.js";
import type * as Messages from "../messages.js";

/** One Subsonic API request a plugin makes, as the embedding host receives it. */
export interface SubsonicRequest {
  /** The Subsonic method, e.g. "ping" or "getAlbumList2" (without ".view"). */
  readonly endpoint: string;
  /** The query to run: the plugin's parameters without credentials, with `u`, `c`, `f=json`, `v=1.16.1`. */
  readonly params: URLSearchParams;
  /** The user the request runs as (the `u` parameter). */
  readonly username: string;
  /** The calling plugin (also in `c`). */
  readonly pluginName: string;
  /** Aborted when the call's deadline passes. */
  readonly signal: AbortSignal;
}

/** A user of the host's Subsonic API, as far as the permission checks need one. */
export interface SubsonicUser {
  readonly isAdmin: boolean;
}

/** The Subsonic API of the embedding music server. */
export interface SubsonicApiHandler {
  /**
   * Runs `request` as `request.username` and answers the JSON text of the Subsonic response
   * (Subsonic-level failures, like a missing album, are responses too). A rejection becomes the
   * call's `error`.
   */
  call(request: SubsonicRequest): Promise<string>;
  /** The user named `username`, or undefined when there is none. */
  user(username: string): Promise<SubsonicUser | undefined>;
  /**
   * Generation 2's CallRaw: runs `request` (its params without `f`, unless the plugin gave one) and
   * answers the response's Content-Type and body as they are. Without it, subsonicapi_callraw fails.
   */
  callRaw?(request: SubsonicRequest): Promise<SubsonicRawResponse>;
}

/** A Subsonic response as bytes (a cover image, a stream, XML). */
export interface SubsonicRawResponse {
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** SubsonicAPIService: the host's Subsonic API, as one of its users. Failures come back in `error`. */
export interface SubsonicApiService {
  /** `options.signal` ends the call early, with the plugin call that made it. */
  call(request: Partial<Messages.CallRequest>, options?: HostCallOptions): Promise<Messages.CallResponse>;
  /** Generation 2 only: the raw response (`f` not set by the host). */
  callRaw(request: Partial<Messages.CallRequest>, options?: HostCallOptions): Promise<RawCallResponse>;
}

export interface RawCallResponse {
  contentType: string;
  data: Uint8Array;
  error: string;
}

/** Decides whether the plugin may call as `username`: answers why not, or undefined. */
export type SubsonicAuthorizer = (username: string, handler: SubsonicApiHandler) => Promise<string | undefined>;

type Settings = ResolvedOptions["subsonicapi"];

/** Generation 1's rule: the permission's `allowedUsernames`, and admins only with `allowAdmins`. */
export function subsonicAuthorizerV057(permission: SubsonicApiPermission): SubsonicAuthorizer {
  const allowedUsernames = permission.allowedUsernames?.map((name) => name.toLowerCase());
  return async (username, handler) => {
    // Quoted as JSON: the name comes from the plugin and goes into log lines.
    const quoted = JSON.stringify(username);
    if (allowedUsernames && !allowedUsernames.includes(username.toLowerCase())) {
      return `user ${quoted} is not allowed: it is not in the allowedUsernames of the subsonicapi permission`;
    }
    if (permission.allowAdmins === true) return undefined;
    const user = await handler.user(username);
    if (!user) return `no user ${quoted}`;
    if (user.isAdmin) return `user ${quoted} is not allowed: it is an admin, and the subsonicapi permission does not have allowAdmins`;
    return undefined;
  };
}

/** `clientName` is the `c` parameter: generation 1's plugin name, generation 2's plugin id. */
export function createSubsonicApiService(
  clientName: string,
  authorize: SubsonicAuthorizer,
  settings: Settings,
  logger: Logger,
): SubsonicApiService {
  /** Checks the URL and the user, then runs `send` under one deadline; a refusal or failure is thrown as its text. */
  async function request<T>(
    url: string,
    format: SubsonicFormat,
    options: HostCallOptions,
    send: (handler: SubsonicApiHandler, request: SubsonicRequest) => Promise<T>,
  ): Promise<T> {
    const handler = settings.handler;
    if (!handler) throw new SubsonicRefusal("this host has no Subsonic API");
    const run = async (signal: AbortSignal) => {
      const parsed = parseSubsonicUrl(url, clientName, format);
      if (!parsed.ok) throw new SubsonicRefusal(parsed.error);
      const refused = await authorize(parsed.username, handler);
      if (refused) {
        logger.warn(`plugin ${clientName}: Subsonic API call refused: ${refused}`, { plugin: clientName });
        throw new SubsonicRefusal(refused);
      }
      const { endpoint, username, params } = parsed;
      return send(handler, { endpoint, params, username, pluginName: clientName, signal });
    };
    try {
      // One deadline for the user lookup and the call: a hung host API never holds a plugin's call.
      return await withDeadline(settings.timeoutMs, options.signal, run);
    } catch (error) {
      if (error instanceof SubsonicRefusal) throw error;
      throw new SubsonicRefusal(`Subsonic API call failed: ${(error as Error).message ?? String(error)}`);
    }
  }

  function checkSize(endpoint: string, bytes: number): void {
    if (bytes > settings.maxResponseBytes) {
      throw new SubsonicRefusal(`the ${endpoint} response is larger than ${settings.maxResponseBytes} bytes`);
    }
  }

  return {
    async call(input, options = {}) {
      try {
        const json = await request(input.url ?? "", "json", options, async (handler, req) => {
          const text = await handler.call(req);
          checkSize(req.endpoint, Buffer.byteLength(text, "utf8"));
          return text;
        });
        return { json, error: "" };
      } catch (error) {
        return { json: "", error: (error as SubsonicRefusal).message };
      }
    },
    async callRaw(input, options = {}) {
      try {
        const raw = await request(input.url ?? "", "raw", options, async (handler, req) => {
          if (!handler.callRaw) throw new SubsonicRefusal("this host's Subsonic API does not answer raw calls");
          const answer = await handler.callRaw(req);
          checkSize(req.endpoint, answer.body.byteLength);
          return answer;
        });
        return { contentType: raw.contentType, data: raw.body, error: "" };
      } catch (error) {
        return { contentType: "", data: new Uint8Array(), error: (error as SubsonicRefusal).message };
      }
    },
  };
}

/** A call that cannot be answered; its message is the plugin's error text. */
class SubsonicRefusal extends Error {}

/** Runs `work` until it settles, `timeoutMs` pass, or the plugin call's `callEnded` aborts, whichever comes first. */
async function withDeadline<T>(
  timeoutMs: number,
  callEnded: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const endCall = () => controller.abort(new Error("the plugin call that made it ended"));
  const ended = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
    timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    if (callEnded?.aborted) endCall();
    else callEnded?.addEventListener("abort", endCall, { once: true });
  });
  try {
    return await Promise.race([work(controller.signal), ended]);
  } finally {
    clearTimeout(timer);
    callEnded?.removeEventListener("abort", endCall);
  }
}
