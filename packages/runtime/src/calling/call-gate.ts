import { PluginBusyError } from "../errors.js";
import type { CallOutcome } from "../threads/worker/messages.js";
import type { PluginRuntime } from "./plugin.js";
import { Semaphore } from "./semaphore.js";

/**
 * The way into the worker pool for one plugin version, both generations alike: at most
 * `maxInstances` calls in flight, `maxQueued` waiting, the rest refused with PluginBusyError.
 */
export class CallGate {
  private readonly semaphore: Semaphore;

  constructor(
    private readonly pluginId: string,
    private readonly pluginName: string,
    private readonly runtime: PluginRuntime,
  ) {
    this.semaphore = new Semaphore(runtime.settings.maxInstances, runtime.settings.maxQueued);
  }

  /** Runs one call; `timeoutMs` may only shorten the host's deadline. */
  async run(exportName: string, request: Uint8Array | undefined, timeoutMs?: number): Promise<CallOutcome> {
    if (!this.semaphore.tryAcquire()) {
      if (!this.semaphore.canWait) throw this.busy();
      await this.semaphore.acquire();
    }
    try {
      const { pool, settings } = this.runtime;
      const deadline = Math.min(timeoutMs ?? settings.callTimeoutMs, settings.callTimeoutMs);
      return await pool.run({ pluginId: this.pluginId, exportName, request, timeoutMs: deadline });
    } finally {
      this.semaphore.release();
    }
  }

  /** Resolves when no call is running or waiting. */
  idle(): Promise<void> {
    return this.semaphore.idle();
  }

  private busy(): PluginBusyError {
    const { maxInstances, maxQueued } = this.runtime.settings;
    return new PluginBusyError(
      this.pluginName,
      `${maxInstances} calls are running and ${maxQueued} waiting (maxQueuedCallsPerPlugin); try again later`,
    );
  }
}
