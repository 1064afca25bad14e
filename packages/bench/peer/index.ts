// The as-echo example's work written for Extism with @extism/as-pdk: the peer of the benchmarks.
import { Host, Var } from "@extism/as-pdk";

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
