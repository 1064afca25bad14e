import type { SubsonicApiPermission } from "@nd/manifest";
import type { Logger, ResolvedOptions } from "../options.js";
import { parseSubsonicUrl } from "./subsonic-url.js";
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
}

/** SubsonicAPIService: the host's Subsonic API, as one of its users. Failures come back in `error`. */
export interface SubsonicApiService {
  /** `options.signal` ends the call early, with the plugin call that made it. */
  call(request: Partial<Messages.CallRequest>, options?: HostCallOptions): Promise<Messages.CallResponse>;
}

type Settings = ResolvedOptions["subsonicapi"];

export function createSubsonicApiService(
  pluginName: string,
  permission: SubsonicApiPermission,
  settings: Settings,
  logger: Logger,
): SubsonicApiService {
  const allowedUsernames = permission.allowedUsernames?.map((name) => name.toLowerCase());

  async function refusal(username: string, handler: SubsonicApiHandler): Promise<string | undefined> {
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
  }

  async function run(handler: SubsonicApiHandler, url: string, signal: AbortSignal): Promise<Messages.CallResponse> {
    const parsed = parseSubsonicUrl(url, pluginName);
    if (!parsed.ok) return failure(parsed.error);
    const refused = await refusal(parsed.username, handler);
    if (refused) {
      logger.warn(`plugin ${pluginName}: Subsonic API call refused: ${refused}`, { plugin: pluginName });
      return failure(refused);
    }
    const { endpoint, username, params } = parsed;
    const json = await handler.call({ endpoint, params, username, pluginName, signal });
    if (Buffer.byteLength(json, "utf8") > settings.maxResponseBytes) {
      return failure(`the ${endpoint} response is larger than ${settings.maxResponseBytes} bytes`);
    }
    return { json, error: "" };
  }

  return {
    async call(request, options = {}) {
      const handler = settings.handler;
      if (!handler) return failure("this host has no Subsonic API");
      try {
        // One deadline for the user lookup and the call: a hung host API never holds a plugin's call.
        return await withDeadline(settings.timeoutMs, options.signal, (signal) => run(handler, request.url ?? "", signal));
      } catch (error) {
        return failure(`Subsonic API call failed: ${(error as Error).message ?? String(error)}`);
      }
    },
  };
}

function failure(error: string): Messages.CallResponse {
  return { json: "", error };
}

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
