// Process start to one plugin's first answer, beside a bare `node -e 0` (issue 17): each
// measured as the wall time of a child process, so both include the process's own start.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "./stats.js";
import { runAloneWhenMain } from "./alone.js";

const CHILD = fileURLToPath(new URL("./first-answer-child.js", import.meta.url));

export interface ProcessStart {
  /** `node -e 0`, median. */
  bareNodeMillis: number;
  /** A process that imports @nd/runtime, starts a manager on a folder with as-echo and gets its first answer, median. */
  firstAnswerMillis: number;
  /** That process's rss when the answer came, median. */
  firstAnswerRssBytes: number;
}

function wallMillis(args: string[]): { millis: number; output: string } {
  const start = performance.now();
  const output = execFileSync(process.execPath, args, { encoding: "utf8" });
  return { millis: performance.now() - start, output };
}

export function processStart(runs = 7): ProcessStart {
  const bare: number[] = [];
  const first: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(wallMillis(["-e", "0"]).millis);
    const { millis, output } = wallMillis([CHILD]);
    first.push(millis);
    rss.push(Number(output.trim()));
  }
  return { bareNodeMillis: median(bare), firstAnswerMillis: median(first), firstAnswerRssBytes: median(rss) };
}

await runAloneWhenMain(import.meta.url, { processStart: () => processStart(1) });
