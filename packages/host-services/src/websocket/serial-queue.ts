/** Runs tasks one after the other, in the order pushed; a failing task does not stop the ones after it. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (error: unknown) => void) {}

  push(task: () => Promise<void>): void {
    this.tail = this.tail.then(task).catch(this.onError);
  }

  /** Resolves once every task pushed so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}
