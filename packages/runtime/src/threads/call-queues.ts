import type { Job } from "./worker-slot.js";

/**
 * Calls waiting to begin, one queue per plugin version, each in arrival order. The
 * plugins are kept in turn order: taking a plugin's call moves it to the back, so plugins
 * with as many calls running take turns.
 */
export class CallQueues {
  private readonly byPlugin = new Map<string, Job[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Plugins with calls waiting. */
  get pluginCount(): number {
    return this.byPlugin.size;
  }

  push(job: Job): void {
    const plugin = job.task.pluginId;
    const queue = this.byPlugin.get(plugin);
    if (queue) queue.push(job);
    else this.byPlugin.set(plugin, [job]);
    this.count++;
  }

  /** Puts calls that had been taken back at the front of their plugins' queues, in their order. */
  putBack(jobs: readonly Job[]): void {
    for (let i = jobs.length - 1; i >= 0; i--) {
      const job = jobs[i]!;
      const queue = this.byPlugin.get(job.task.pluginId);
      if (queue) queue.unshift(job);
      else this.byPlugin.set(job.task.pluginId, [job]);
      this.count++;
    }
  }

  /** The oldest call of a plugin; the plugin goes to the back of the turn order. */
  take(plugin: string): Job | undefined {
    const queue = this.byPlugin.get(plugin);
    const job = queue?.shift();
    if (!job) return undefined;
    this.count--;
    this.byPlugin.delete(plugin);
    if (queue!.length > 0) this.byPlugin.set(plugin, queue!);
    return job;
  }

  /** Plugins with waiting calls, in turn order. */
  plugins(): IterableIterator<string> {
    return this.byPlugin.keys();
  }

  /** Removes and answers every waiting call. */
  drain(): Job[] {
    const jobs = [...this.byPlugin.values()].flat();
    this.byPlugin.clear();
    this.count = 0;
    return jobs;
  }
}
