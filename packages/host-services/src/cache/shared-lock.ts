import { isMainThread, threadId } from "node:worker_threads";

/** The value a thread writes into a lock word it owns; 0 means free, so the main thread (id 0) is 1. */
export const lockToken = (thread: number): number => thread + 1;

/**
 * How long a thread waits for the lock before its operation answers like a miss. The main
 * thread serves every plugin and must never hang; a worker can afford to wait longer.
 */
export const DEFAULT_LOCK_BUDGET_MS = isMainThread ? 5 : 50;

// Looks at the lock word before sleeping: critical sections are shorter than a sleep and wake-up.
const SPIN_TRIES = 200;

/**
 * A lock in shared memory: one word holds the owner's token, another counts the sleeping
 * waiters so that a release only pays for a notify when someone sleeps. A thread terminated
 * while waiting leaves the count one too high, which costs a spare notify and nothing else.
 */
export class SharedLock {
  private readonly token = lockToken(threadId);

  constructor(
    private readonly words: Int32Array,
    private readonly ownerIndex: number,
    private readonly waitersIndex: number,
    private readonly budgetMs: number,
  ) {}

  /** Runs `body` holding the lock; answers `busy` without running it when the lock is not had within the budget. */
  run<T>(busy: T, body: () => T): T {
    if (!this.acquire()) return busy;
    try {
      return body();
    } finally {
      this.release();
    }
  }

  /** When the dead thread holds the lock: takes it over, runs `repair`, releases and answers true. */
  takeOverFrom(deadThreadId: number, repair: () => void): boolean {
    const deadToken = lockToken(deadThreadId);
    if (Atomics.compareExchange(this.words, this.ownerIndex, deadToken, this.token) !== deadToken) return false;
    try {
      repair();
    } finally {
      this.release();
    }
    return true;
  }

  private acquire(): boolean {
    for (let tries = 0; tries < SPIN_TRIES; tries++) {
      if (this.tryTake()) return true;
    }
    return this.sleepUntilTaken();
  }

  private tryTake(): boolean {
    return (
      Atomics.load(this.words, this.ownerIndex) === 0 &&
      Atomics.compareExchange(this.words, this.ownerIndex, 0, this.token) === 0
    );
  }

  private sleepUntilTaken(): boolean {
    const deadline = performance.now() + this.budgetMs;
    Atomics.add(this.words, this.waitersIndex, 1);
    try {
      for (;;) {
        if (this.tryTake()) return true;
        const left = deadline - performance.now();
        const owner = Atomics.load(this.words, this.ownerIndex);
        if (left <= 0) return false;
        if (owner !== 0 && Atomics.wait(this.words, this.ownerIndex, owner, left) === "timed-out") {
          return this.tryTake();
        }
      }
    } finally {
      Atomics.sub(this.words, this.waitersIndex, 1);
    }
  }

  private release(): void {
    Atomics.store(this.words, this.ownerIndex, 0);
    if (Atomics.load(this.words, this.waitersIndex) > 0) Atomics.notify(this.words, this.ownerIndex);
  }
}
