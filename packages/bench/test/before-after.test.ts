import { describe, expect, it } from "vitest";
import { beforeAfter, beforeAfterChart, beforeAfterTable, type AfterFigures } from "../src/before-after.js";

const MiB = 1024 * 1024;
const run: AfterFigures = {
  coldBurstMillis: 180,
  coldBurstRssGrowthBytes: 120 * MiB,
  warmBurstMillis: 120,
  firstAnswerOverNodeMillis: 140,
  oneHostOnePluginRssBytes: 80 * MiB,
  floorOverNodeMillis: 90,
  floorRssBytes: 64 * MiB,
  fiftyPluginsReadyMillis: 150,
  perLoadedPluginBytes: 100 * 1024,
  biographyMicros: 30,
  imagesMicros: 40,
  hungHeadOfLineP99Millis: 1,
  runawayHeadOfLineP99Millis: 2,
};

describe("before and after of the execution model", () => {
  it("converts the run's bytes to the units of the targets and says which targets are met", () => {
    const rows = beforeAfterTable(beforeAfter(run));
    expect(rows.find((row) => row.startsWith("| Cold burst"))).toBe("| Cold burst: 64 calls of 8 plugins, 100 ms upstream | 915 ms | 180 ms | ≤ 200 ms | yes |  |");
    expect(rows.find((row) => row.startsWith("| Its rss growth"))).toMatch(/\| 120 MiB \| ≤ 96.0 MiB \| no \|  \|$/);
    expect(rows.find((row) => row.startsWith("| Host rss"))).toMatch(/\| 80.0 MiB \| ≤ 60.0 MiB \| no \| 64.0 MiB \|$/);
    expect(rows.find((row) => row.startsWith("| Per loaded plugin"))).toMatch(/\| 100 KiB \| ≤ 218 KiB \| yes \|  \|$/);
    expect(rows.find((row) => row.startsWith("| Warm call, GetArtistImages"))).toMatch(/\| 99.7 µs \| 40.0 µs \| ≤ 99.7 µs \| yes \|  \|$/);
  });

  it("draws one panel of three bars per figure, four where a floor was measured", () => {
    const figures = beforeAfter(run);
    const svg = beforeAfterChart(figures, "v24.0.0");
    expect(svg.match(/<rect x=/g)).toHaveLength(figures.length * 3 + 2);
    expect(svg).toContain("nd now: v24.0.0, JSPI");
  });
});
