import { startOneTimeTimer } from "./one-time-timer.js";

/**
 * Calls `fire` with its planned time every `intervalMs` (whole seconds) until cancelled, as robfig/cron's `@every` does:
 * each run is due one interval after the start of the second the previous one was planned in.
 */
export function startEveryTimer(intervalMs: number, fire: (plannedMs: number) => void): () => void {
  let cancelStep: () => void = () => {};
  let stopped = false;
  const arm = (): void => {
    const now = Date.now();
    const plannedMs = now - (now % 1000) + intervalMs;
    cancelStep = startOneTimeTimer(plannedMs - now, () => {
      if (stopped) return;
      arm();
      fire(plannedMs);
    });
  };
  arm();
  return () => {
    stopped = true;
    cancelStep();
  };
}
