interface Pending {
  readonly dueAt: number;
  readonly fail: (error: Error) => void;
  settled: boolean;
}

/**
 * Fails a command not answered within `timeoutMs`, with one timer for the whole connection rather
 * than one per command: arming and clearing a timer per command cost about a tenth of a loopback
 * round trip. Every command has the same timeout, so the oldest pending one is always due first.
 */
export class CommandDeadlines {
  private readonly pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** `work`, failing with a timeout error if it has not settled in time (its own outcome is then ignored). */
  guard<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { dueAt: performance.now() + this.timeoutMs, fail: reject, settled: false };
      this.pending.push(entry);
      this.arm();
      const settle = () => {
        entry.settled = true;
        this.dropSettledHead();
      };
      work.then(
        (value) => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
  }

  private dropSettledHead(): void {
    while (this.pending.length > 0 && this.pending[0]!.settled) this.pending.shift();
  }

  private arm(): void {
    if (this.timer || this.pending.length === 0) return;
    const wait = Math.max(0, this.pending[0]!.dueAt - performance.now());
    this.timer = setTimeout(() => this.expire(), wait);
    this.timer.unref();
  }

  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    this.dropSettledHead();
    while (this.pending.length > 0 && this.pending[0]!.dueAt <= now) {
      const entry = this.pending.shift()!;
      if (!entry.settled) entry.fail(new Error(`no answer within ${this.timeoutMs} ms`));
      entry.settled = true;
      this.dropSettledHead();
    }
    this.arm();
  }
}
