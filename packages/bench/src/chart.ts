export interface Bar {
  label: string;
  value: number;
}

interface Panel {
  title: string;
  unit: string;
  bars: Bar[];
  /** "log" when values span orders of magnitude; the bars then start at a tenth of the smallest. */
  scale?: "linear" | "log";
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const format = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

const LABEL_WIDTH = 260;
const BAR_WIDTH = 380;
const ROW = 22;

function scaler(bars: Bar[], scale: Panel["scale"]): (value: number) => number {
  const max = Math.max(...bars.map((bar) => bar.value), 1e-9);
  if (scale !== "log") return (value) => (value / max) * BAR_WIDTH;
  const base = Math.min(...bars.map((bar) => bar.value)) / 10;
  return (value) => (Math.log10(value / base) / Math.log10(max / base)) * BAR_WIDTH;
}

function panel({ title, unit, bars, scale }: Panel, top: number): { svg: string; height: number } {
  const widthOf = scaler(bars, scale);
  const rows = bars.map((bar, i) => {
    const y = top + 28 + i * ROW;
    const width = Math.max(1, widthOf(bar.value));
    return [
      `<text x="${LABEL_WIDTH - 8}" y="${y + 14}" text-anchor="end">${escape(bar.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW - 6}" fill="${bar.label.startsWith("nd") ? "#2f6fde" : "#9aa5b1"}"/>`,
      `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 14}">${format(bar.value)} ${escape(unit)}</text>`,
    ].join("");
  });
  const heading = `<text x="10" y="${top + 18}" font-weight="bold">${escape(title)}</text>`;
  return { svg: heading + rows.join(""), height: 36 + bars.length * ROW };
}

/** A bar chart with one panel per measure, stacked: plain SVG, no library. */
export function barChart(panels: Panel[]): string {
  let top = 10;
  const parts: string[] = [];
  for (const item of panels) {
    const { svg, height } = panel(item, top);
    parts.push(svg);
    top += height + 10;
  }
  const width = LABEL_WIDTH + BAR_WIDTH + 120;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top}" font-family="sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>\n`;
}
