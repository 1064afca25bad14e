/**
 * How many cases each property runs: a quick sample in the normal test run, at least
 * 100 000 with ND_LONG_FUZZ=1.
 */
export const LONG_FUZZ = process.env.ND_LONG_FUZZ === "1";

export function runs(quick: number): number {
  return LONG_FUZZ ? Math.max(100_000, quick) : quick;
}

/** Time allowed to a property test: generous in long mode, where the case count dominates. */
export const PROPERTY_TIMEOUT_MS = LONG_FUZZ ? 3_600_000 : 30_000;
