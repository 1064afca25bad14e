// Process start to one plugin's first answer, beside a bare `node -e 0` (issue 17): each
// measured as the wall time of a child process, so both include the process's own start.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "./stats.js";
import { runAloneWhenMain } from "./alone.js";

const CHILD = fileURLToPath(new URL("./first-answer-child.js", import.meta.url));
const FLOOR_CHILD = fileURLToPath(new URL("./floor-child.js", import.meta.url));

export interface ProcessStart {
  /** `node -e 0`, median. */
  bareNodeMillis: number;
  /** A process that imports @nd/runtime, starts a manager on a folder with as-echo and gets its first answer, median. */
  firstAnswerMillis: number;
  /** That process's rss when the answer came, median. */
  firstAnswerRssBytes: number;
  /** `node -e 0`'s own rss, median. */
  bareNodeRssBytes: number;
  /** The floor without nd (floor-child.ts): a process that starts one worker thread, which compiles, instantiates and calls as-echo; median. */
  floorMillis: number;
  /** That process's rss then, median. */
  floorRssBytes: number;
}

function wallMillis(args: string[]): { millis: number; output: string } {
  const start = performance.now();
  const output = execFileSync(process.execPath, args, { encoding: "utf8" });
  return { millis: performance.now() - start, output };
}

export function processStart(runs = 7): ProcessStart {
  const samples = { bare: [] as number[], bareRss: [] as number[], first: [] as number[], rss: [] as number[], floor: [] as number[], floorRss: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const bare = wallMillis(["-e", "console.log(process.memoryUsage().rss)"]);
    const first = wallMillis([CHILD]);
    const floor = wallMillis([FLOOR_CHILD]);
    samples.bare.push(bare.millis);
    samples.bareRss.push(Number(bare.output.trim()));
    samples.first.push(first.millis);
    samples.rss.push(Number(first.output.trim()));
    samples.floor.push(floor.millis);
    samples.floorRss.push(Number(floor.output.trim()));
  }
  return {
    bareNodeMillis: median(samples.bare),
    firstAnswerMillis: median(samples.first),
    firstAnswerRssBytes: median(samples.rss),
    bareNodeRssBytes: median(samples.bareRss),
    floorMillis: median(samples.floor),
    floorRssBytes: median(samples.floorRss),
  };
}

await runAloneWhenMain(import.meta.url, { processStart: () => processStart(1) });
