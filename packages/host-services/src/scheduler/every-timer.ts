import { startOneTimeTimer } from "./one-time-timer.js";

/**
 * Calls `fire` every `intervalMs` (whole seconds) until cancelled, as robfig/cron's `@every` does:
 * each run is due one interval after the start of the second the previous one was planned in.
 */
export function startEveryTimer(intervalMs: number, fire: () => void): () => void {
  let cancelStep: () => void = () => {};
  let stopped = false;
  const arm = (): void => {
    const now = Date.now();
    cancelStep = startOneTimeTimer(now - (now % 1000) + intervalMs - now, () => {
      if (stopped) return;
      arm();
      fire();
    });
  };
  arm();
  return () => {
    stopped = true;
    cancelStep();
  };
}
