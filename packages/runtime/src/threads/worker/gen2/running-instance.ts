import type { Kernel } from "./kernel.js";

/**
 * The instance whose code runs now, for the imports a plugin version's instances share
 * (made once per version: new functions per instance cost the engine more to link). The
 * worker runs one stack at a time; an instance is made current before its start function
 * and its exports run, and again when its stack resumes after a host call.
 */
export class RunningInstance {
  private kernel: Kernel | undefined;

  enter(kernel: Kernel): void {
    this.kernel = kernel;
  }

  get current(): Kernel {
    return this.kernel!;
  }

  /** Runs `wait` for the current instance and makes it current again before its stack resumes. */
  async suspend<T>(wait: (kernel: Kernel) => Promise<T>): Promise<T> {
    const kernel = this.current;
    try {
      return await wait(kernel);
    } finally {
      this.kernel = kernel;
    }
  }
}
