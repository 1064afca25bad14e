// The as-echo example's work written for Extism with @extism/as-pdk: the peer of the benchmarks.
import { Host, Memory, Var } from "@extism/as-pdk";
import { http_request } from "@extism/as-pdk/lib/env";

function quietAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {}

// GetArtistBiography: answers from memory.
export function biography(): i32 {
  Host.outputString("bio of " + Host.inputString());
  return 0;
}

// GetArtistImages: two calls to host-kept state (read, then write), like as-echo's two cache calls.
export function images(): i32 {
  const name = Host.inputString();
  const key = "image:" + name;
  const remembered = Var.get(key);
  const url = remembered == null ? "https://images.example/" + name : String.UTF8.decode(remembered.buffer);
  Var.set(key, Uint8Array.wrap(String.UTF8.encode(url)));
  Host.outputString(url);
  return 0;
}

// The slow-upstream runs: GETs the URL it is given (Extism's http_request, answered by the
// host while the plugin waits), then answers the URL.
export function fetch(): i32 {
  const url = Host.inputString();
  const request = Memory.allocateString('{"url":"' + url + '","method":"GET"}');
  const response = http_request(request.offset, 0);
  request.free();
  if (response != 0) new Memory(response, 0).free();
  Host.outputString(url);
  return 0;
}
