import { availableParallelism } from "node:os";
import { createHostServices, type HostServices, type HostServicesOptions, recoverSharedCache } from "@nd/host-services";
import type { CapabilityName } from "@nd/protocol";
import type {
  LifecycleManagementClient,
  SchedulerCallbackClient,
  WebSocketCallbackClient,
} from "./calling/capability-clients.js";
import type { AnyMetadataAgentClient, AnyScrobblerClient, LyricsClient, SonicSimilarityClient } from "./calling/gen2-clients.js";
import type { Gen2Plugin } from "./calling/gen2-plugin.js";
import { Metrics, type CallObservation, type MethodMetrics } from "./calling/metrics.js";
import type { Plugin } from "./calling/plugin.js";
import { PluginError, PluginLoadError, PluginNotImplementedError, PluginUnavailableError } from "./errors.js";
import { discoverPluginFolders, WASM_FILE, type IncompleteFolder, type PluginFolder } from "./loading/discovery.js";
import { mapWithLimit } from "./loading/plugin-loader.js";
import { consoleLogger, type Logger } from "./logger.js";
import { resolveManagerOptions, type ResolvedManagerOptions } from "./manager-options.js";
import { ClientViews } from "./managing/client-views.js";
import type { PluginAccess } from "./managing/gen2-start.js";
import { asRecord, compileFolder, type Compiled, type PackageReader } from "./managing/plugin-compiler.js";
import { describe, idOf, type PluginInfo, type PluginRecord, type PluginState } from "./managing/plugin-records.js";
import { PluginStarter } from "./managing/plugin-starter.js";
import type { PluginLogLevel } from "./threads/worker/gen2/log-levels.js";
import { assertJspi } from "./threads/worker/jspi.js";
import type { LogLine } from "./threads/worker/messages.js";
import { WorkerPool, type PoolHost, type PoolStats } from "./threads/worker-pool.js";

export interface PluginManagerOptions {
  /** The plugins folder: each subfolder (or symlink to one) with plugin.wasm + manifest.json is a plugin. */
  readonly folder: string;
  /** Reads the `<id>.ndp` packages of the plugins folder in place (e.g. `readAnyNdp` of @nd/ndp); without it they fail to load, saying so. */
  readonly readPackage?: PackageReader;
  /**
   * `[PluginConfig.<name>]` maps: what OnInit and ConfigService see for each generation-1 plugin (keys lowercased).
   * For a generation-2 plugin, keyed by its ID: the flattened config `config_get` and the Config service read.
   */
  readonly pluginConfig?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * For generation-2 plugins, by ID: the config values before flattening, as the host's config
   * holds them. When given, a plugin's values are checked against its manifest's `config.schema`
   * before it loads, and a mismatch fails the load naming each field (as Navidrome refuses to
   * store such a config).
   */
  readonly pluginConfigValues?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Settings of the host services (http limits, artwork base URL and secret, ...). */
  readonly hostServices?: HostServicesOptions;
  /** CPU slots: calls running plugin code at once (calls waiting in host calls do not count). Default: one per core. */
  readonly workers?: number;
  /** Worker threads at most, host-wide: calls begun at once, running or waiting in host calls. Default 64. */
  readonly maxThreads?: number;
  /** Calls of one plugin in flight at once. Default 8. */
  readonly maxInstancesPerPlugin?: number;
  /** An idle instance is dropped after this long. Default 60 000 ms. */
  readonly instanceIdleTtlMs?: number;
  /** Deadline of every call, host calls included. Default 30 000 ms. */
  readonly callTimeoutMs?: number;
  /** Linear memory cap of each instance. Default 256 MiB. */
  readonly memoryLimitBytes?: number;
  /** Entries all the tables of an instance may hold together. Default 262 144. */
  readonly maxTableElements?: number;
  /** Largest answer (response or error string) a plugin may give; a larger one fails the call with PluginLimitError. Default 4 MiB. */
  readonly maxResultBytes?: number;
  /** Entries of any one top-level field of an answer (the artists of GetSimilarArtists, say); more fail the call with PluginLimitError. Default 10 000. */
  readonly maxResultEntries?: number;
  /** Messages an answer decodes to in all, nested ones included; more fail the call with PluginLimitError. Default 100 000. */
  readonly maxResultMessages?: number;
  /** Largest request a plugin may pass to a host function, checked before it is read; a larger one fails the call with PluginLimitError. Default 16 MiB. */
  readonly maxHostCallRequestBytes?: number;
  /** Calls of one plugin waiting for a free instance; one more fails at once with PluginBusyError. Default 1024. */
  readonly maxQueuedCallsPerPlugin?: number;
  /** An instance whose memory is larger than this after a call is not kept for reuse, so idle instances do not pin memory. Default 64 MiB. */
  readonly maxIdleMemoryBytes?: number;
  /** Modules compiled at once while loading. Default 2. */
  readonly compileConcurrency?: number;
  /** How long `close()` lets running calls finish before ending them. Default 5 000 ms. */
  readonly closeGraceMs?: number;
  readonly logger?: Logger;
  /** Generation 2: the users and libraries each plugin may see (by plugin ID), from the embedding host's config. Default: none. */
  readonly pluginAccess?: (id: string) => PluginAccess | undefined;
  /** Generation 2: the lowest level of the plugins' kernel logs that reaches the logger. Default "info". */
  readonly pluginLogLevel?: PluginLogLevel;
  /** Told of every call when it ends (plugin, method, milliseconds, outcome), e.g. to feed a latency histogram. */
  readonly onCall?: (call: CallObservation) => void;
}

export type { PluginInfo, PluginState };

/**
 * Discovers, loads and calls the plugins of one folder. Plugin code runs on a
 * pool of worker threads; host services run here, on the caller's thread.
 */
export class PluginManager {
  private readonly options: ResolvedManagerOptions;
  private readonly logger: Logger;
  private readonly hostServices: HostServices;
  private readonly metricsStore: Metrics;
  private readonly starter: PluginStarter;
  /** Keyed by folder path. */
  private readonly records = new Map<string, PluginRecord>();
  /** Incomplete subfolders already reported (path and missing files), so each is said once. */
  private readonly incompleteReported = new Set<string>();
  /** Every plugin version that may still run, keyed by id: current ones and those finishing after a reload. */
  private readonly versions = new Map<string, Plugin | Gen2Plugin>();
  private pool?: WorkerPool;
  private closed = false;
  private closing?: Promise<void>;
  private readonly views = new ClientViews(
    () => this.list(),
    (...args) => this.call(...args),
    (...args) => this.callExport(...args),
  );

  constructor(options: PluginManagerOptions) {
    assertJspi();
    this.options = resolveManagerOptions(options);
    this.logger = options.logger ?? consoleLogger;
    this.hostServices = createHostServices({ logger: this.logger, ...options.hostServices });
    this.metricsStore = new Metrics(options.onCall);
    this.starter = new PluginStarter({
      options: this.options,
      logger: this.logger,
      hostServices: this.hostServices,
      metrics: this.metricsStore,
      pool: () => this.pool!,
      closed: () => this.closed,
      register: (plugin) => void this.versions.set(plugin.id, plugin),
      retire: (plugin) => this.retire(plugin),
    });
  }

  /** Loads every plugin of the folder. A plugin that fails is reported in `list()`; the others load. */
  async start(): Promise<void> {
    const { workers, maxThreads, instanceIdleTtlMs } = this.options;
    this.pool ??= new WorkerPool(this.poolHost(), {
      cpuSlots: workers,
      maxThreads,
      idleTtlMs: instanceIdleTtlMs,
      spin: workers < availableParallelism(),
    });
    await this.rescan();
  }

  list(): PluginInfo[] {
    return [...this.records.values()].map(describe).sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Replaces a plugin with what is on disk now; calls already running finish on the old
   * version. When what is on disk fails to load and the running version works, the running
   * version stays: the answer (and `list()`) keeps state "loaded" and carries the error.
   */
  async reload(name: string): Promise<PluginInfo> {
    const old = this.recordOf(name);
    if (!old) throw new PluginUnavailableError(name, `no plugin named "${name}" in ${this.options.folder}`);
    const next = await this.starter.start(this.claim(await this.compile(old.folder)));
    if (!next.plugin && old.plugin) return this.keepRunning(old, next.error);
    const record = this.install(next);
    this.logger.info(`plugin ${name} reloaded`, { plugin: name, state: describe(record).state });
    return describe(record);
  }

  /**
   * Loads plugin folders that appeared since the last scan and unloads those that are gone
   * (their calls finish first, then their cache is freed). Every other plugin goes on
   * untouched, with its cache, schedules and sockets.
   */
  async rescan(): Promise<void> {
    const incomplete: IncompleteFolder[] = [];
    const folders = await discoverPluginFolders(this.options.folder, incomplete);
    this.reportIncomplete(incomplete);
    const present = new Set(folders.map((folder) => folder.path));
    for (const [path, record] of this.records) if (!present.has(path)) this.unload(path, record);
    const added = folders.filter((folder) => !this.records.has(folder.path));
    const compiled = await mapWithLimit(added, this.options.compileConcurrency, (folder) => this.compile(folder));
    const claimed = compiled.map((record) => this.claim(record));
    await Promise.all(claimed.map((record) => this.activate(record)));
  }

  /** Says once why a subfolder is left out, until it changes: a plugin not built yet is a common surprise. */
  private reportIncomplete(incomplete: readonly IncompleteFolder[]): void {
    const current = new Set(incomplete.map((folder) => `${folder.path}\0${folder.missing.join()}`));
    for (const reported of this.incompleteReported) if (!current.has(reported)) this.incompleteReported.delete(reported);
    for (const { path, missing } of incomplete) {
      const key = `${path}\0${missing.join()}`;
      if (this.incompleteReported.has(key)) continue;
      this.incompleteReported.add(key);
      const hint = missing.length === 1 && missing[0] === WASM_FILE ? " (not built yet?)" : "";
      this.logger.warn(`skipping ${path}: it has no ${missing.join(" and no ")}${hint}; a plugin folder holds manifest.json and plugin.wasm`, { folder: path });
    }
  }

  /** Calls one method of a loaded plugin; rejects with a PluginError. */
  async call(name: string, capability: CapabilityName, method: string, request: unknown = {}): Promise<unknown> {
    const plugin = this.loaded(name);
    if (plugin.generation === 2) {
      throw new PluginNotImplementedError(name, `${name} is a generation-2 plugin: call its exports with callExport(), or use the typed clients`);
    }
    return plugin.call(capability, method, request);
  }

  /**
   * Calls an export of a loaded generation-2 plugin with `input` (JSON text or bytes) and
   * resolves with its output bytes; rejects with a PluginError (PluginNotImplementedError
   * for return code -2, PluginNotFoundError for a missing export, PluginCallError for the
   * plugin's error text or another non-zero code).
   */
  async callExport(id: string, exportName: string, input: Uint8Array | string = new Uint8Array()): Promise<Uint8Array> {
    const plugin = this.loaded(id);
    if (plugin.generation !== 2) {
      throw new PluginNotImplementedError(id, `${id} is a generation-1 plugin: call its capabilities with call()`);
    }
    return plugin.callExport(exportName, typeof input === "string" ? new TextEncoder().encode(input) : input);
  }

  private loaded(name: string): Plugin | Gen2Plugin {
    const plugin = this.recordOf(name)?.plugin;
    if (!plugin || this.closed) {
      const why = this.closed ? "the plugin manager is closed" : `no loaded plugin named "${name}"`;
      throw new PluginUnavailableError(name, why);
    }
    return plugin;
  }

  /** Metadata agents of both generations, behind generation 1's client. */
  metadataAgents(): AnyMetadataAgentClient[] {
    return this.views.metadataAgents();
  }

  /** Scrobblers of both generations, behind generation 1's client. */
  scrobblers(): AnyScrobblerClient[] {
    return this.views.scrobblers();
  }

  schedulerCallbacks(): SchedulerCallbackClient[] {
    return this.views.schedulerCallbacks();
  }

  webSocketCallbacks(): WebSocketCallbackClient[] {
    return this.views.webSocketCallbacks();
  }

  lifecycleManagers(): LifecycleManagementClient[] {
    return this.views.lifecycleManagers();
  }

  /** Generation-2 Lyrics plugins. */
  lyricsProviders(): LyricsClient[] {
    return this.views.lyricsProviders();
  }

  /** Generation-2 SonicSimilarity plugins. */
  sonicSimilarity(): SonicSimilarityClient[] {
    return this.views.sonicSimilarity();
  }

  /** Threads, CPU slots busy, threads waiting in host calls, idle threads and queued calls. */
  poolStats(): PoolStats {
    return this.pool?.stats() ?? { threads: 0, cpuSlots: this.options.workers, busy: 0, inHostCalls: 0, idle: 0, queued: 0 };
  }

  /** Calls, errors, timeouts and latency per plugin and method. */
  metrics(plugin?: string): MethodMetrics[] {
    return this.metricsStore.snapshot(plugin);
  }

  /**
   * Refuses new calls, lets running ones finish for at most `closeGraceMs`, then ends the
   * rest (their threads and their pending host work), and stops schedules and sockets.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    await withinGrace(
      Promise.all([...this.versions.values()].map((plugin) => plugin.idle())),
      this.options.closeGraceMs,
    );
    await this.pool?.close();
    await this.hostServices.close();
    this.versions.clear();
  }

  /** What the worker pool needs from here: plugin images, host services and the logger. */
  private poolHost(): PoolHost {
    return {
      image: (pluginId) => this.versions.get(pluginId)?.image,
      hostCall: async (pluginId, importName, request, signal) => {
        const plugin = this.versions.get(pluginId);
        if (!plugin) throw new Error("the plugin was unloaded");
        return plugin.services.call(importName, request, { signal });
      },
      workerStopped: (threadId) => {
        for (const plugin of this.versions.values()) {
          const shared = plugin.services.cache?.shared;
          if (shared) recoverSharedCache(shared, threadId);
        }
        this.logger.debug(`worker thread ${threadId} stopped; caches it held are usable again`, { threadId });
      },
      log: ({ pluginName, stream, line, level: kernelLevel }: LogLine) => {
        const level = stream === "log" ? loggerLevel(kernelLevel) : stream === "stderr" ? "warn" : "info";
        this.logger[level](`[${pluginName}] ${line}`, { plugin: pluginName, stream });
      },
    };
  }

  private compile(folder: PluginFolder): Promise<Compiled> {
    return compileFolder(folder, {
      caps: this.options,
      logger: this.logger,
      readPackage: this.options.readPackage,
      configValues: this.options.pluginConfigValues,
    });
  }

  private recordOf(name: string): PluginRecord | undefined {
    for (const record of this.records.values()) if (idOf(record) === name) return record;
    return undefined;
  }

  /** Takes the plugin's name for its folder, or refuses it when another folder holds that name. */
  private claim<R extends Compiled>(record: R): R | PluginRecord {
    const name = "generation" in record && record.generation === 2 ? record.id : record.manifest?.name;
    const holder = name === undefined ? undefined : this.recordOf(name);
    if (name && holder && holder.folder.path !== record.folder.path) {
      const message = `another plugin named "${name}" is in ${holder.folder.path}; refusing ${record.folder.path}`;
      return { ...asRecord(record), plugin: undefined, error: new PluginLoadError(name, message) } as PluginRecord;
    }
    if (!this.records.has(record.folder.path)) this.records.set(record.folder.path, asRecord(record));
    return record;
  }

  private async activate(compiled: Compiled): Promise<PluginRecord> {
    return this.install(await this.starter.start(compiled));
  }

  /** Makes a record the folder's current one, retiring the version it replaces. */
  private install(record: PluginRecord): PluginRecord {
    const previous = this.records.get(record.folder.path);
    this.records.set(record.folder.path, record);
    if (previous?.plugin) void this.retire(previous.plugin);
    this.report(record);
    return record;
  }

  /** A reload that failed: the working version goes on, and the failure is told. */
  private keepRunning(running: PluginRecord, error: PluginError | undefined): PluginInfo {
    const record = { ...running, error };
    this.records.set(running.folder.path, record);
    const name = idOf(running);
    this.logger.error(`plugin ${name}: reload failed, version ${running.manifest?.version} keeps running: ${error?.message}`, {
      plugin: name,
      folder: running.folder.path,
    });
    return describe(record);
  }

  private unload(path: string, record: PluginRecord): void {
    this.records.delete(path);
    if (record.plugin) void this.retire(record.plugin);
    this.logger.info(`plugin ${idOf(record)} unloaded`, { plugin: idOf(record), folder: path });
  }

  /** Lets an old version finish its calls, then frees it everywhere. */
  private async retire(plugin: Plugin | Gen2Plugin): Promise<void> {
    await plugin.idle();
    await plugin.services.close();
    this.versions.delete(plugin.id);
    this.pool?.drop(plugin.id);
  }

  private report(record: PluginRecord): void {
    const info = describe(record);
    if (info.state === "loaded") {
      this.logger.info(`plugin ${info.id} ${record.manifest?.version} loaded`, { plugin: info.id, folder: info.folder });
      if (info.initError) {
        this.logger.error(`plugin ${info.id}: OnInit failed, the plugin stays loaded: ${info.initError.message}`, {
          plugin: info.id,
          folder: info.folder,
        });
      }
    } else {
      this.logger.error(`plugin ${info.id} failed: ${info.error?.message}`, { plugin: info.id, folder: info.folder });
    }
  }
}

/** Resolves when `work` does, or after `ms`, whichever comes first. */
async function withinGrace(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([work, graceOver]);
  clearTimeout(timer);
}

/** The logger method a kernel log level goes to (the logger has no trace). */
function loggerLevel(level: LogLine["level"]): "debug" | "info" | "warn" | "error" {
  return level === undefined || level === "trace" ? "debug" : level;
}

