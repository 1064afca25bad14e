// Runs one measure of a benchmark file by itself, several times:
// `node --expose-gc out/<file>.js <measure> [runs]` prints each run's figures and their medians.
import { fileURLToPath } from "node:url";
import { loadavg } from "node:os";
import { median } from "./stats.js";

type Measure = () => Promise<object> | object;

export async function runAloneWhenMain(moduleUrl: string, measures: Record<string, Measure>): Promise<void> {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  const [name = "", runs = "5"] = process.argv.slice(2);
  const measure = measures[name];
  if (!measure) {
    console.error(`usage: node ${process.argv[1]} <${Object.keys(measures).join("|")}> [runs]`);
    process.exitCode = 2;
    return;
  }
  const figures: Record<string, number[]> = {};
  for (let run = 0; run < Number(runs); run++) {
    const result = (await measure()) as Record<string, unknown>;
    console.log(JSON.stringify(result));
    for (const [key, value] of Object.entries(result)) if (typeof value === "number") (figures[key] ??= []).push(value);
  }
  const medians = Object.fromEntries(Object.entries(figures).map(([key, values]) => [key, Number(median(values).toFixed(1))]));
  console.log(`${name}, median of ${runs} (load average ${loadavg().map((load) => load.toFixed(2)).join(" ")}):`, JSON.stringify(medians));
}
