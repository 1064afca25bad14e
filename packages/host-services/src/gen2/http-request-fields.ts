import { ServiceError } from "../errors.js";
import type { Gen2HttpRequest } from "./gen2-http.js";
import type { JsonRequest } from "./json-request.js";

// RFC 9110 token: what Go's http.NewRequest accepts as a method.
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The request both http paths share: method (upper-cased, empty = GET), absolute URL, headers, body. */
export function readHttpRequest(request: JsonRequest): Omit<Gen2HttpRequest, "followRedirects" | "timeoutMs"> {
  const method = (request.string("method") || "GET").toUpperCase();
  if (!METHOD_TOKEN.test(method)) throw new ServiceError(`net/http: invalid method "${method}"`);
  const text = request.string("url");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ServiceError(`${method} "${text}": not a valid absolute URL`);
  }
  const body = request.bytes("body");
  return { method, url, headers: request.stringMap("headers"), body: body.length > 0 ? body : undefined };
}
