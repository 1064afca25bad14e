import { barChart } from "./chart.js";

/** One figure of the execution-model change, before and after, with its target. */
export interface BeforeAfter {
  title: string;
  unit: string;
  before: number;
  after: number;
  target: number;
  /** The same figure for a design with none of nd (a bare worker thread and module), where the run measured one. */
  floor?: number;
}

/**
 * The model before JSPI (Node 20, a thread per waiting call), on this 2-core machine: the recorded
 * run of 2026-12-01; for the cold burst, warm burst and process start (which that run did not
 * measure), the best of the side-by-side runs that opened the change, so no gain is overstated;
 * for the warm calls, the median of an A/B on 2026-12-04 (the commit before the change, c3f484e,
 * on Node 20, interleaved with this one on Node 24, 3 runs each), because the machine's speed
 * for small calls changed between those days (the peer's in-thread call too).
 */
const BEFORE = {
  coldBurstMillis: 915,
  coldBurstRssGrowthMiB: 196,
  warmBurstMillis: 329,
  firstAnswerOverNodeMillis: 400,
  oneHostOnePluginRssMiB: 96,
  fiftyPluginsReadyMillis: 233.9,
  perLoadedPluginKiB: 394,
  biographyMicros: 46.6,
  imagesMicros: 99.7,
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
  /** A process with one bare worker thread that compiles, instantiates and calls the same module. */
  floorOverNodeMillis: number;
  floorRssBytes: number;
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
  const figure = (title: string, unit: string, before: number, value: number, target = before, floor?: number) =>
    ({ title, unit, before, after: value, target, ...(floor !== undefined && { floor }) });
  return [
    figure("Cold burst: 64 calls of 8 plugins, 100 ms upstream", "ms", BEFORE.coldBurstMillis, after.coldBurstMillis, 200),
    figure("Its rss growth", "MiB", BEFORE.coldBurstRssGrowthMiB, after.coldBurstRssGrowthBytes / MiB, 96),
    figure("Warm burst (threads already started)", "ms", BEFORE.warmBurstMillis, after.warmBurstMillis, 150),
    figure("Process start to first answer, over node -e 0", "ms", BEFORE.firstAnswerOverNodeMillis, after.firstAnswerOverNodeMillis, 150, after.floorOverNodeMillis),
    figure("Host rss, one plugin, after its first answer", "MiB", BEFORE.oneHostOnePluginRssMiB, after.oneHostOnePluginRssBytes / MiB, 60, after.floorRssBytes / MiB),
    figure("50 plugins ready", "ms", BEFORE.fiftyPluginsReadyMillis, after.fiftyPluginsReadyMillis, 165),
    figure("Per loaded plugin", "KiB", BEFORE.perLoadedPluginKiB, after.perLoadedPluginBytes / 1024, 218),
    figure("Warm call, GetArtistBiography", "µs", BEFORE.biographyMicros, after.biographyMicros),
    figure("Warm call, GetArtistImages (2 cache calls)", "µs", BEFORE.imagesMicros, after.imagesMicros),
    figure("B's p99 while A hangs 8 calls on an upstream", "ms", BEFORE.hungHeadOfLineP99Millis, after.hungHeadOfLineP99Millis),
    figure("B's p99 while A runs 8 endless loops", "ms", BEFORE.runawayHeadOfLineP99Millis, after.runawayHeadOfLineP99Millis),
  ];
}

/** A panel per figure: before, after (blue), the target and any floor; lower is better for every one. */
export function beforeAfterChart(figures: BeforeAfter[], node: string): string {
  return barChart(
    figures.map(({ title, unit, before, after, target, floor }) => ({
      title: `${title} (lower is better)`,
      unit,
      bars: [
        { label: "before: Node 20, thread per wait", value: before },
        { label: `nd now: ${node}, JSPI`, value: after },
        { label: "target", value: target },
        ...(floor === undefined ? [] : [{ label: "floor: bare worker + module, no nd", value: floor }]),
      ],
    })),
  );
}

/** The same figures as rows of a Markdown table, for BENCHMARKS.md. */
export function beforeAfterTable(figures: BeforeAfter[]): string[] {
  const format = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
  return [
    "| figure | before | now | target | met | floor without nd |",
    "| --- | --- | --- | --- | --- | --- |",
    ...figures.map(({ title, unit, before, after, target, floor }) =>
      `| ${title} | ${format(before)} ${unit} | ${format(after)} ${unit} | ≤ ${format(target)} ${unit} | ${after <= target ? "yes" : "no"} | ${floor === undefined ? "" : `${format(floor)} ${unit}`} |`),
  ];
}
