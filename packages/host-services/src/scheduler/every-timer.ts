import { startOneTimeTimer } from "./one-time-timer.js";

/**
 * When an `@every` run is due, planned at `now`. Alone, as robfig/cron's `@every` does: one interval
 * after the start of the current second. In a cluster (`alignToEpoch`): the next multiple of the
 * interval since the Unix epoch, so replicas that created the job at different times plan the same
 * runs and the store's claim lets only one of them fire each.
 */
export function nextEveryRunMs(now: number, intervalMs: number, alignToEpoch: boolean): number {
  if (alignToEpoch) return (Math.floor(now / intervalMs) + 1) * intervalMs;
  return now - (now % 1000) + intervalMs;
}

/** Calls `fire` with its planned time every `intervalMs` (whole seconds) until cancelled. */
export function startEveryTimer(
  intervalMs: number,
  alignToEpoch: boolean,
  fire: (plannedMs: number) => void,
): () => void {
  let cancelStep: () => void = () => {};
  let stopped = false;
  const arm = (): void => {
    const now = Date.now();
    const plannedMs = nextEveryRunMs(now, intervalMs, alignToEpoch);
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
