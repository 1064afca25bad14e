import { kvStoreMaxSize, type PermissionsV2, type TaskQueuePermission } from "@nd/manifest";
import { ServicesClosedError } from "../errors.js";
import { createKvStoreService, type KvStoreService } from "../kvstore/kvstore-service.js";
import type { Logger } from "../options.js";
import { isGranted } from "../permission-grant.js";
import type { TaskExecutor } from "../taskqueue/queue-workers.js";
import { createTaskQueueService, type TaskQueueService } from "../taskqueue/taskqueue-service.js";
import type { KvRecords, PluginStore, TaskRecords } from "./plugin-store.js";
import type { StoreBackend } from "./store-backend.js";
import type { ResolvedStoreOptions, TaskOutcomeReport } from "./store-options.js";

/** A generation-2 plugin's kvstore and task queue (each present when granted), over one store. */
export interface PluginStoreServices {
  readonly kvstore?: KvStoreService;
  readonly taskqueue?: TaskQueueService;
  /** Stops the task workers (running tasks back to pending after the grace), then closes the store. */
  close(): Promise<void>;
}

export interface StoreServicesContext {
  store: StoreBackend;
  options: ResolvedStoreOptions;
  logger: Logger;
}

/**
 * The store opens on the first call that needs it, not at load. An invalid `kvstore.maxSize`
 * throws here (ConfigurationError), so the plugin fails to load, as in Navidrome.
 */
export function createPluginStoreServices(
  pluginId: string,
  permissions: PermissionsV2,
  execute: TaskExecutor | undefined,
  context: StoreServicesContext,
): PluginStoreServices {
  const { store, options, logger } = context;
  let opened: Promise<PluginStore> | undefined;
  let closed = false;
  const open = () => {
    if (closed) return Promise.reject(new ServicesClosedError(`the store of plugin "${pluginId}" is closed`));
    if (!opened) {
      opened = store.open(pluginId);
      opened.catch(() => (opened = undefined));
    }
    return opened;
  };
  // One promise of the records while the store is open: a call awaits it, nothing more.
  let kv: Promise<KvRecords> | undefined;
  const openKv = () => {
    if (!kv || !opened) kv = open().then((store) => store.kv);
    return kv;
  };
  const kvstore = isGranted(permissions, "kvstore") ? createKvStoreService(openKv, kvStoreMaxSize({ permissions })) : undefined;
  const taskqueue = isGranted(permissions, "taskqueue")
    ? createTaskQueueService({
        pluginId,
        open: async () => reportingOutcomes((await open()).tasks, pluginId, options.onTaskOutcome),
        maxConcurrency: (permissions.taskqueue as TaskQueuePermission).maxConcurrency ?? 1,
        execute,
        shared: store.shared,
        limits: {
          maxQueues: options.maxQueuesPerPlugin,
          maxLiveTasks: options.maxTasksPerPlugin,
          leaseMs: options.taskLeaseMs,
          pollIntervalMs: options.taskPollIntervalMs,
          stopGraceMs: options.taskStopGraceMs,
        },
        logger,
      })
    : undefined;
  return {
    kvstore,
    taskqueue,
    async close() {
      closed = true;
      await taskqueue?.close();
      const current = opened;
      opened = undefined;
      await (await current?.catch(() => undefined))?.close();
    },
  };
}

/** The records, telling `report` of each outcome this host records. */
function reportingOutcomes(records: TaskRecords, pluginId: string, report: ((report: TaskOutcomeReport) => void) | undefined): TaskRecords {
  if (!report) return records;
  return {
    ...records,
    async finish(taskId, owner, outcome, nowMs) {
      await records.finish(taskId, owner, outcome, nowMs);
      report({ pluginId, outcome: outcome.status === "pending" ? "retried" : outcome.status });
    },
  };
}
