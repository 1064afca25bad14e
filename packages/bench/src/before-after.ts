import { barChart } from "./chart.js";

/** One figure of the execution-model change, before and after, with its target. */
export interface BeforeAfter {
  title: string;
  unit: string;
  before: number;
  after: number;
  target: number;
}

/**
 * The model before JSPI (Node 20, a thread per waiting call), on this 2-core machine: the recorded
 * run of 2026-12-01 and, for the cold burst, warm burst and process start (which that run did not
 * measure), the best of the side-by-side runs that opened the change. The best, so no gain is
 * overstated.
 */
const BEFORE = {
  coldBurstMillis: 915,
  coldBurstRssGrowthMiB: 196,
  warmBurstMillis: 329,
  firstAnswerOverNodeMillis: 400,
  oneHostOnePluginRssMiB: 96,
  fiftyPluginsReadyMillis: 233.9,
  perLoadedPluginKiB: 394,
  biographyMicros: 34.5,
  imagesMicros: 39.5,
  hungHeadOfLineP99Millis: 1.1,
  runawayHeadOfLineP99Millis: 3.6,
};

/** What this run measured of the figures above. */
export interface AfterFigures {
  coldBurstMillis: number;
  coldBurstRssGrowthBytes: number;
  warmBurstMillis: number;
  firstAnswerOverNodeMillis: number;
  oneHostOnePluginRssBytes: number;
  fiftyPluginsReadyMillis: number;
  perLoadedPluginBytes: number;
  biographyMicros: number;
  imagesMicros: number;
  hungHeadOfLineP99Millis: number;
  runawayHeadOfLineP99Millis: number;
}

const MiB = 1024 * 1024;

/** Each figure before and after, with the target it was held to ("no worse" targets are the before). */
export function beforeAfter(after: AfterFigures): BeforeAfter[] {
  const figure = (title: string, unit: string, before: number, value: number, target = before) =>
    ({ title, unit, before, after: value, target });
  return [
    figure("Cold burst: 64 calls of 8 plugins, 100 ms upstream", "ms", BEFORE.coldBurstMillis, after.coldBurstMillis, 200),
    figure("Its rss growth", "MiB", BEFORE.coldBurstRssGrowthMiB, after.coldBurstRssGrowthBytes / MiB, 96),
    figure("Warm burst (threads already started)", "ms", BEFORE.warmBurstMillis, after.warmBurstMillis, 150),
    figure("Process start to first answer, over node -e 0", "ms", BEFORE.firstAnswerOverNodeMillis, after.firstAnswerOverNodeMillis, 150),
    figure("Host rss, one plugin, after its first answer", "MiB", BEFORE.oneHostOnePluginRssMiB, after.oneHostOnePluginRssBytes / MiB, 60),
    figure("50 plugins ready", "ms", BEFORE.fiftyPluginsReadyMillis, after.fiftyPluginsReadyMillis, 165),
    figure("Per loaded plugin", "KiB", BEFORE.perLoadedPluginKiB, after.perLoadedPluginBytes / 1024, 218),
    figure("Warm call, GetArtistBiography", "µs", BEFORE.biographyMicros, after.biographyMicros),
    figure("Warm call, GetArtistImages (2 cache calls)", "µs", BEFORE.imagesMicros, after.imagesMicros),
    figure("B's p99 while A hangs 8 calls on an upstream", "ms", BEFORE.hungHeadOfLineP99Millis, after.hungHeadOfLineP99Millis),
    figure("B's p99 while A runs 8 endless loops", "ms", BEFORE.runawayHeadOfLineP99Millis, after.runawayHeadOfLineP99Millis),
  ];
}

/** A panel per figure: before, after (blue) and the target; lower is better for every one. */
export function beforeAfterChart(figures: BeforeAfter[], node: string): string {
  return barChart(
    figures.map(({ title, unit, before, after, target }) => ({
      title: `${title} (lower is better)`,
      unit,
      bars: [
        { label: "before: Node 20, thread per wait", value: before },
        { label: `nd now: ${node}, JSPI`, value: after },
        { label: "target", value: target },
      ],
    })),
  );
}

/** The same figures as rows of a Markdown table, for BENCHMARKS.md. */
export function beforeAfterTable(figures: BeforeAfter[]): string[] {
  const format = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
  return [
    "| figure | before | now | target | met |",
    "| --- | --- | --- | --- | --- |",
    ...figures.map(({ title, unit, before, after, target }) =>
      `| ${title} | ${format(before)} ${unit} | ${format(after)} ${unit} | ≤ ${format(target)} ${unit} | ${after <= target ? "yes" : "no"} |`),
  ];
}
