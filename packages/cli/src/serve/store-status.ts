import type { PluginStateAdmin, PluginStateStats, TaskOutcomeReport } from "@nd/host-services";
import type { PluginInfo } from "@nd/runtime";

export type TaskOutcome = TaskOutcomeReport["outcome"];

/** One generation-2 plugin with a kvstore or task queue: its stored state, and the runs this host finished. */
export interface PluginStoreRow {
  readonly id: string;
  readonly state: PluginStateStats;
  readonly outcomes: Readonly<Record<TaskOutcome, number>>;
}

/** The store as `nd serve` shows it: never its URL's credentials. */
export interface StoreSnapshot {
  readonly kind: PluginStateAdmin["kind"];
  readonly location: string;
  readonly rows: readonly PluginStoreRow[];
  /** Why the state could not be read (the store is unreachable, say); the rows are then empty. */
  readonly error?: string;
}

const EMPTY: PluginStateStats = { keys: 0, bytes: 0, tasks: { pending: 0, running: 0 } };
const STORE_PERMISSIONS = ["kvstore", "taskqueue"];

/** Counts this host's task outcomes (given to host services as `store.onTaskOutcome`) and reads the store for the page and /metrics. */
export class StoreStatus {
  private readonly outcomes = new Map<string, Record<TaskOutcome, number>>();

  constructor(
    private readonly admin: PluginStateAdmin,
    private readonly plugins: () => readonly PluginInfo[],
  ) {}

  readonly onTaskOutcome = ({ pluginId, outcome }: TaskOutcomeReport): void => {
    this.outcomesOf(pluginId)[outcome]++;
  };

  async snapshot(): Promise<StoreSnapshot> {
    const { kind, location } = this.admin;
    const ids = this.plugins()
      .filter((plugin) => plugin.generation === 2 && plugin.permissions.some((name) => STORE_PERMISSIONS.includes(name)))
      .map((plugin) => plugin.id);
    try {
      const states = await Promise.all(ids.map(async (id) => (await this.admin.stats(id)) ?? EMPTY));
      return { kind, location, rows: ids.map((id, index) => ({ id, state: states[index]!, outcomes: { ...this.outcomesOf(id) } })) };
    } catch (error) {
      return { kind, location, rows: [], error: (error as Error).message };
    }
  }

  close(): Promise<void> {
    return this.admin.close();
  }

  private outcomesOf(pluginId: string): Record<TaskOutcome, number> {
    let counts = this.outcomes.get(pluginId);
    if (!counts) this.outcomes.set(pluginId, (counts = { completed: 0, failed: 0, retried: 0 }));
    return counts;
  }
}
