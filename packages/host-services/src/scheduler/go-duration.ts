const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.Duration is a signed 64-bit count of nanoseconds. */
const MAX_DURATION_MS = 9_223_372_036_854.775;

const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go duration (`5s`, `1m30s`, `1.5h`, `-2s`, `0`) into milliseconds, or answers undefined
 * (also past Go's limit of about 292 years).
 */
export function parseGoDuration(text: string): number | undefined {
  const sign = text.startsWith("-") ? -1 : 1;
  const body = text.replace(/^[+-]/, "");
  if (body === "0") return 0;
  if (body === "") return undefined;
  let total = 0;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < body.length) {
    const start = TERM.lastIndex;
    const term = TERM.exec(body);
    if (!term || term.index !== start) return undefined;
    total += Number(term[1]) * (UNIT_MS[term[2] ?? ""] ?? Number.NaN);
  }
  return total <= MAX_DURATION_MS ? sign * total : undefined;
}
