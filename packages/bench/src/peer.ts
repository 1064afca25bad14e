import { readFileSync } from "node:fs";
import createPlugin from "@extism/extism";
import { WARM_UP_CALLS, latencyMicros, medianOfRuns, throughput } from "./stats.js";

const PEER_WASM = new URL("../peer/plugin.wasm", import.meta.url);
const BIG_NAME = "x".repeat(100 * 1024);

export interface PeerResult {
  mode: "in-thread" | "runInWorker";
  /** Each figure is undefined when its calls failed; `failures` says why. */
  biographyMicros?: number;
  imagesMicros?: number;
  bigResponseMicros?: number;
  callsPerSecond?: number;
  failures: string[];
}

/** The Extism JavaScript host running the equivalent @extism/as-pdk plugin. */
export async function peer(runInWorker: boolean): Promise<PeerResult> {
  const plugin = await createPlugin({ wasm: [{ data: readFileSync(PEER_WASM) }] }, { useWasi: false, runInWorker });
  const call = (fn: string, input: string) => plugin.call(fn, input);
  const failures: string[] = [];
  const attempt = async (label: string, measure: () => Promise<number>): Promise<number | undefined> => {
    try {
      return await measure();
    } catch (error) {
      failures.push(`${label}: ${(error as Error).message}`);
      return undefined;
    }
  };
  try {
    const check = (await call("biography", "Nina Simone"))?.text();
    if (check !== "bio of Nina Simone") throw new Error(`the peer plugin answered ${check}`);
    return {
      mode: runInWorker ? "runInWorker" : "in-thread",
      biographyMicros: await attempt("biography", () =>
        latencyMicros(() => call("biography", "Nina Simone"), { samples: 2_000, warmup: runInWorker ? 200 : WARM_UP_CALLS }),
      ),
      imagesMicros: await attempt("images (Var.get + Var.set)", () =>
        latencyMicros(() => call("images", "Nina Simone"), { samples: runInWorker ? 200 : 2_000, warmup: runInWorker ? 50 : WARM_UP_CALLS }),
      ),
      bigResponseMicros: await attempt("100 KiB response", () =>
        latencyMicros(() => call("biography", BIG_NAME), { samples: 100, warmup: 20 }),
      ),
      // An Extism plugin runs one call at a time ("plugin is not reentrant" otherwise): calls queue here.
      callsPerSecond: await attempt("throughput", () =>
        medianOfRuns(5, () => throughput(() => call("biography", "Nina Simone"), { total: 20_000, inFlight: 1 })),
      ),
      failures,
    };
  } finally {
    await plugin.close();
  }
}
