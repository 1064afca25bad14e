import { readFileSync } from "node:fs";
import createPlugin from "@extism/extism";
import { latencyMicros, throughput } from "./stats.js";

const PEER_WASM = new URL("../peer/plugin.wasm", import.meta.url);
const BIG_NAME = "x".repeat(100 * 1024);

export interface PeerResult {
  mode: "in-thread" | "runInWorker";
  biographyMicros: number;
  /** Undefined when the call failed; `failure` says why. */
  imagesMicros?: number;
  bigResponseMicros: number;
  callsPerSecond: number;
  failure?: string;
}

/** The Extism JavaScript host running the equivalent @extism/as-pdk plugin. */
export async function peer(runInWorker: boolean): Promise<PeerResult> {
  const plugin = await createPlugin({ wasm: [{ data: readFileSync(PEER_WASM) }] }, { useWasi: false, runInWorker });
  const call = (fn: string, input: string) => plugin.call(fn, input);
  try {
    const check = (await call("biography", "Nina Simone"))?.text();
    if (check !== "bio of Nina Simone") throw new Error(`the peer plugin answered ${check}`);
    let imagesMicros: number | undefined;
    let failure: string | undefined;
    try {
      imagesMicros = await latencyMicros(() => call("images", "Nina Simone"), { samples: 500, warmup: 200 });
    } catch (error) {
      failure = `images (Var.get + Var.set): ${(error as Error).message}`;
    }
    return {
      mode: runInWorker ? "runInWorker" : "in-thread",
      biographyMicros: await latencyMicros(() => call("biography", "Nina Simone"), { samples: 500, warmup: 200 }),
      ...(imagesMicros !== undefined && { imagesMicros }),
      bigResponseMicros: await latencyMicros(() => call("biography", BIG_NAME), { samples: 100, warmup: 20 }),
      // An Extism plugin runs one call at a time ("plugin is not reentrant" otherwise): calls queue here.
      callsPerSecond: await throughput(() => call("biography", "Nina Simone"), { total: 20_000, inFlight: 1 }),
      ...(failure && { failure }),
    };
  } finally {
    await plugin.close();
  }
}
