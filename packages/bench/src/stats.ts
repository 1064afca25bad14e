/** Median of samples (the mean of the middle two for an even count). */
export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const now = () => performance.now();

/** Calls before measuring a warm path: enough for V8 to optimize both threads' code. */
export const WARM_UP_CALLS = 2_000;

/**
 * Median latency in microseconds of `run`, awaited one call at a time. Samples are batches of
 * `batch` calls, so calls far below the timer's resolution still measure.
 */
export async function latencyMicros(run: () => unknown, { samples = 200, batch = 1, warmup = 50 } = {}): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const perCall: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = now();
    for (let i = 0; i < batch; i++) await run();
    perCall.push(((now() - start) * 1000) / batch);
  }
  return median(perCall);
}

/** Calls per second with `inFlight` calls always outstanding, over `total` calls. */
export async function throughput(run: () => Promise<unknown>, { total = 20_000, inFlight = 64 } = {}): Promise<number> {
  let started = 0;
  const start = now();
  const lane = async () => {
    while (started < total) {
      started++;
      await run();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return total / ((now() - start) / 1000);
}

/** The median of `runs` separate measurements: single runs of a throughput vary by ±15% here. */
export async function medianOfRuns(runs: number, measure: () => Promise<number>): Promise<number> {
  const results: number[] = [];
  for (let i = 0; i < runs; i++) results.push(await measure());
  return median(results);
}

export function gcNow(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

export const mib = (bytes: number) => bytes / 1024 / 1024;
