// setTimeout fires at once for delays above this (about 24.8 days); longer delays are chained.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Calls `fire` after `delayMs`, however long; answers the function that cancels it. */
export function startOneTimeTimer(delayMs: number, fire: () => void): () => void {
  let handle: NodeJS.Timeout;
  const arm = (remainingMs: number): void => {
    const stepMs = Math.min(remainingMs, MAX_TIMER_DELAY_MS);
    handle = setTimeout(() => (remainingMs > stepMs ? arm(remainingMs - stepMs) : fire()), stepMs);
  };
  arm(delayMs);
  return () => clearTimeout(handle);
}
