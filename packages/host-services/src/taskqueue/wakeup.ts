/** Sleepers that wake when their time is up, when `wake()` is called, or for good on `stop()`. */
export class Wakeup {
  private readonly sleepers = new Set<() => void>();
  private stopped = false;

  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      // Idle workers do not keep the process alive: the host decides its lifetime.
      const timer = setTimeout(done, Math.max(0, ms)).unref();
      this.sleepers.add(done);
    });
  }

  wake(): void {
    for (const done of [...this.sleepers]) done();
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }
}
