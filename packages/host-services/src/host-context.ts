import type { PluginCaches } from "./cache/plugin-caches.js";
import type { NetworkAccess } from "./network/network-access.js";
import type { ResolvedOptions } from "./options.js";
import type { StoreBackend } from "./store/store-backend.js";

/** What the services of every plugin share: the resolved options, the network, the caches by plugin name, and one-time warnings. */
export interface HostContext {
  readonly options: ResolvedOptions;
  readonly network: NetworkAccess;
  readonly caches: PluginCaches;
  /** Where generation 2's kvstore and task queues live; connects on first use. */
  readonly store: StoreBackend;
  /** Logs a warning the first time `key` is given, and never again. */
  warnOnce(key: string, message: string): void;
}
