import { gen2 } from "@nd/protocol";
import { HostCallError } from "../errors.js";
import type { HostCallOptions } from "../host-call-options.js";
import type { ExchangeAnswer } from "../http/http-exchange.js";
import type { Gen2Http } from "./gen2-http.js";
import { encodeSuccess, parseRequest } from "./json-envelope.js";
import { readHttpRequest } from "./http-request-fields.js";

const NAME = gen2.KERNEL_HTTP_REQUEST;

/** Response headers as Extism's kernel gives them: lower-case names, several values joined by ",". */
function kernelHeaders(headers: ExchangeAnswer["headers"]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  return result;
}

/**
 * Extism's kernel `http_request`, forwarded by the runtime: request `{url, method?, headers?, body?}`
 * (body base64), answer `{statusCode, headers, body?}`. Anything short of a response (no http
 * permission, a host outside requiredHosts, a network error, a body over 50 MiB) rejects with
 * HostCallError: Extism traps the plugin call there.
 */
export async function kernelHttpRequest(
  http: Gen2Http | undefined,
  pluginId: string,
  request: Uint8Array,
  options: HostCallOptions,
): Promise<Uint8Array> {
  if (!http) throw new HostCallError(NAME, `plugin "${pluginId}" made an HTTP request without the http permission`);
  const parsed = parseRequest(NAME, request);
  try {
    const fields = readHttpRequest(parsed);
    const answer = await http.kernelSend({ ...fields, followRedirects: true, timeoutMs: 0 }, options.signal);
    const body = answer.body.length > 0 ? answer.body : undefined;
    return encodeSuccess({ statusCode: answer.status, headers: kernelHeaders(answer.headers), body });
  } catch (error) {
    if (error instanceof HostCallError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new HostCallError(NAME, `plugin "${pluginId}" http_request failed: ${reason}`, { cause: error });
  }
}
