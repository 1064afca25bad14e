/** Limits how many calls of one plugin run at once; the rest wait in order. */
export class Semaphore {
  private active = 0;
  // A queue read from `head`: shifting a long array on every release costs more than the call.
  private waiting: Array<(() => void) | undefined> = [];
  private head = 0;
  private readonly drained: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    /** Most callers waiting at once; `acquire` refuses one more. */
    private readonly maxWaiting = Infinity,
  ) {}

  /** Whether a caller that cannot take a permit now may wait for one. */
  get canWait(): boolean {
    return this.waiting.length - this.head < this.maxWaiting;
  }

  /** Takes a permit if one is free, without waiting. */
  tryAcquire(): boolean {
    if (this.active >= this.limit) return false;
    this.active++;
    return true;
  }

  async acquire(): Promise<void> {
    if (this.tryAcquire()) return;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      } else if (this.head === this.waiting.length) {
        this.waiting = [];
        this.head = 0;
      }
      return next();
    }
    this.active--;
    if (this.active === 0) for (const resolve of this.drained.splice(0)) resolve();
  }

  /** Resolves once no call holds or waits for the semaphore. */
  async idle(): Promise<void> {
    if (this.active === 0) return;
    await new Promise<void>((resolve) => this.drained.push(resolve));
  }
}
