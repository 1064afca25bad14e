// Extism's own HTTP client (the kernel's http_request), which the Rust and Python examples
// use. The host allows only hosts of the http permission's requiredHosts; a refused or
// failed request ends the call (a trap), so there is no error to handle here. Prefer
// HTTPService.send (host/http), which answers failures as errors and has timeouts.
import { writeMap, writeString } from "./json/codec";
import { parseJson } from "./json/value";
import { JsonWriter } from "./json/writer";
import { blockOf, freeBlock, takeBlockUnchecked } from "./kernel";

// @ts-ignore: decorator
@external("extism:host/env", "http_request")
declare function extism_http_request(request: u64, body: u64): u64;
// @ts-ignore: decorator
@external("extism:host/env", "http_status_code")
declare function extism_http_status_code(): i32;
// @ts-ignore: decorator
@external("extism:host/env", "http_headers")
declare function extism_http_headers(): u64;

export class ExtismHttpResponse {
  constructor(
    public status: i32,
    /** Lower-case names; several values of one header joined with ",". */
    public headers: Map<string, string>,
    public body: Uint8Array,
  ) {}
}

function responseHeaders(): Map<string, string> {
  const headers = new Map<string, string>();
  const json = parseJson(takeBlockUnchecked(extism_http_headers()));
  if (json === null || !json.isObject) return headers;
  for (let i = 0; i < json.keys.length; i++) headers.set(json.keys[i], json.items[i].asString());
  return headers;
}

/** Sends a request through the Extism kernel and answers its response. */
export function extismHttpRequest(
  url: string,
  method: string = "GET",
  headers: Map<string, string> = new Map<string, string>(),
  body: Uint8Array = new Uint8Array(0),
): ExtismHttpResponse {
  const w = new JsonWriter();
  w.beginObject();
  w.key("url");
  w.string(url);
  w.key("method");
  w.string(method);
  w.key("headers");
  writeMap<string>(w, headers, writeString);
  w.endObject();
  const requestBlock = blockOf(w.toBytes());
  const bodyBlock = blockOf(body);
  const responseBody = takeBlockUnchecked(extism_http_request(requestBlock, bodyBlock));
  freeBlock(requestBlock);
  freeBlock(bodyBlock);
  return new ExtismHttpResponse(extism_http_status_code(), responseHeaders(), responseBody);
}
