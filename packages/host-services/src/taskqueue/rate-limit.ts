import type { Wakeup } from "./wakeup.js";

/** A token bucket of burst 1 shared by a queue's workers: one run start per `intervalMs`. */
export class RateLimit {
  private nextAt = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
  ) {}

  /** Waits for a start slot and reserves it; the answer gives the slot back (nothing was run). */
  async take(wakeup: Wakeup, stopped: () => boolean): Promise<() => void> {
    if (this.intervalMs === 0) return () => {};
    for (;;) {
      const now = this.now();
      if (now >= this.nextAt || stopped()) break;
      await wakeup.sleep(this.nextAt - now);
    }
    const slot = Math.max(this.now(), this.nextAt);
    this.nextAt = slot + this.intervalMs;
    return () => {
      if (this.nextAt === slot + this.intervalMs) this.nextAt = slot;
    };
  }
}
