import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import {
  createHostServices,
  type HostServices,
  type HostServicesOptions,
  type PluginCallbacks,
  type PluginHostServices,
  ownPluginConfig,
  pluginConfigAsSeen,
  recoverSharedCache,
} from "@nd/host-services";
import type { CapabilityName } from "@nd/protocol";
import {
  capabilityClient,
  type LifecycleManagementClient,
  type MetadataAgentClient,
  type SchedulerCallbackClient,
  type ScrobblerClient,
  type WebSocketCallbackClient,
} from "./calling/capability-clients.js";
import { discoverPluginFolders, pluginIdOf, WASM_FILE, type IncompleteFolder, type PluginFolder } from "./loading/discovery.js";
import { PluginError, PluginLoadError, PluginNotImplementedError, PluginUnavailableError } from "./errors.js";
import { consoleLogger, type Logger } from "./logger.js";
import { Metrics, type CallObservation, type MethodMetrics } from "./calling/metrics.js";
import {
  compileModuleBytes,
  compileModuleFile,
  compilePlugin,
  initialize,
  mapWithLimit,
  readManifest,
  verifyCapabilities,
  type CompiledPlugin,
} from "./loading/plugin-loader.js";
import { Plugin, type PluginRuntime } from "./calling/plugin.js";
import { resolveManagerOptions, type ResolvedManagerOptions } from "./manager-options.js";
import { WorkerPool, type PoolHost, type PoolStats } from "./threads/worker-pool.js";
import { assertJspi } from "./threads/worker/jspi.js";
import type { LogLine, PluginImage } from "./threads/worker/messages.js";
import { Gen2Plugin } from "./calling/gen2-plugin.js";
import { compileGen2, packageManifestV2, readFolderManifestV2, type CompiledGen2Plugin } from "./loading/gen2-loader.js";
import { readAnyNdp } from "@nd/ndp";
import { moduleGeneration } from "./loading/generation.js";
import { describe, idOf, type PluginInfo, type PluginRecord, type PluginState } from "./managing/plugin-records.js";
import { gen2Callbacks, gen2Description, initializeGen2, type PluginAccess } from "./managing/gen2-start.js";
import { LOG_LEVELS, type PluginLogLevel } from "./threads/worker/gen2/log-levels.js";
import { libraryMounts } from "./managing/library-mounts.js";

export interface PluginManagerOptions {
  /** The plugins folder: each subfolder (or symlink to one) with plugin.wasm + manifest.json is a plugin. */
  readonly folder: string;
  /**
   * `[PluginConfig.<name>]` maps: what OnInit and ConfigService see for each generation-1 plugin (keys lowercased).
   * For a generation-2 plugin, keyed by its ID: the flattened config `config_get` and the Config service read.
   */
  readonly pluginConfig?: Readonly<Record<string, Readonly<Record<string, string>>>>;
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
  /** Keyed by folder path. */
  private readonly records = new Map<string, PluginRecord>();
  /** Incomplete subfolders already reported (path and missing files), so each is said once. */
  private readonly incompleteReported = new Set<string>();
  /** Every plugin version that may still run, keyed by id: current ones and those finishing after a reload. */
  private readonly versions = new Map<string, Plugin | Gen2Plugin>();
  private pool?: WorkerPool;
  private generation = 0;
  private closed = false;
  private closing?: Promise<void>;

  constructor(options: PluginManagerOptions) {
    assertJspi();
    this.options = resolveManagerOptions(options);
    this.logger = options.logger ?? consoleLogger;
    this.hostServices = createHostServices({ logger: this.logger, ...options.hostServices });
    this.metricsStore = new Metrics(options.onCall);
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
    const next = await this.startCompiled(this.claim(await this.compile(old.folder)));
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

  metadataAgents(): MetadataAgentClient[] {
    return this.clients("MetadataAgent");
  }

  scrobblers(): ScrobblerClient[] {
    return this.clients("Scrobbler");
  }

  schedulerCallbacks(): SchedulerCallbackClient[] {
    return this.clients("SchedulerCallback");
  }

  webSocketCallbacks(): WebSocketCallbackClient[] {
    return this.clients("WebSocketCallback");
  }

  lifecycleManagers(): LifecycleManagementClient[] {
    return this.clients("LifecycleManagement");
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
          if (plugin.services.cache) recoverSharedCache(plugin.services.cache.shared, threadId);
        }
        this.logger.debug(`worker thread ${threadId} stopped; caches it held are usable again`, { threadId });
      },
      log: ({ pluginName, stream, line, level: kernelLevel }: LogLine) => {
        const level = stream === "log" ? loggerLevel(kernelLevel) : stream === "stderr" ? "warn" : "info";
        this.logger[level](`[${pluginName}] ${line}`, { plugin: pluginName, stream });
      },
    };
  }

  private clients<C>(capability: CapabilityName): C[] {
    return this.list()
      .filter((info) => info.state === "loaded" && info.generation === 1 && info.capabilities.includes(capability))
      .map((info) => capabilityClient<C>(info.name, capability, (...args) => this.call(...args)));
  }

  private recordOf(name: string): PluginRecord | undefined {
    for (const record of this.records.values()) if (idOf(record) === name) return record;
    return undefined;
  }

  private async compile(folder: PluginFolder): Promise<PluginRecord | CompiledPlugin | CompiledGen2Plugin> {
    if (folder.isPackage) return this.compilePackage(folder);
    const file = await compileModuleFile(folder, this.options);
    const generation = "module" in file ? moduleGeneration(file.module) : 1;
    if (generation === 2 && "module" in file) return this.compileGen2(folder, file.module);
    if (typeof generation === "string") {
      return { folder, error: new PluginLoadError(basename(folder.path), `${join(folder.filesPath, WASM_FILE)} ${generation}`) };
    }
    try {
      const manifest = await readManifest(folder, (message) => this.logger.warn(message, { folder: folder.path }));
      try {
        return compilePlugin(folder, manifest, file);
      } catch (error) {
        return { folder, manifest, error: asPluginError(manifest.name, error) };
      }
    } catch (error) {
      return { folder, error: asPluginError(basename(folder.path), error) };
    }
  }

  private async compileGen2(folder: PluginFolder, module: WebAssembly.Module): Promise<PluginRecord | CompiledGen2Plugin> {
    const id = pluginIdOf(folder);
    try {
      return compileGen2(folder, module, await readFolderManifestV2(folder, this.warnFor(folder)));
    } catch (error) {
      return { generation: 2, id, folder, error: asPluginError(id, error) };
    }
  }

  /** A `<id>.ndp` package, read in place: generation 2 only (a generation-1 plugin is a folder). */
  private async compilePackage(folder: PluginFolder): Promise<PluginRecord | CompiledGen2Plugin> {
    const id = pluginIdOf(folder);
    try {
      const ndp = await readAnyNdp(folder.path);
      if (ndp.generation !== 2) {
        throw new PluginLoadError(id, `${folder.path} holds a generation-1 plugin; generation-1 plugins are installed as folders (nd plugin install)`);
      }
      const file = await compileModuleBytes(ndp.wasm, `${folder.path}:${WASM_FILE}`, this.options);
      if ("problem" in file) throw new PluginLoadError(id, file.problem);
      return compileGen2(folder, file.module, packageManifestV2(folder, ndp.manifest, this.warnFor(folder)));
    } catch (error) {
      return { generation: 2, id, folder, error: asPluginError(id, error) };
    }
  }

  private warnFor(folder: PluginFolder): (message: string) => void {
    return (message) => this.logger.warn(message, { plugin: pluginIdOf(folder), folder: folder.path });
  }

  /** Takes the plugin's name for its folder, or refuses it when another folder holds that name. */
  private claim<R extends PluginRecord | CompiledPlugin | CompiledGen2Plugin>(record: R): R | PluginRecord {
    const name = "generation" in record && record.generation === 2 ? record.id : record.manifest?.name;
    const holder = name === undefined ? undefined : this.recordOf(name);
    if (name && holder && holder.folder.path !== record.folder.path) {
      const message = `another plugin named "${name}" is in ${holder.folder.path}; refusing ${record.folder.path}`;
      return { ...asRecord(record), plugin: undefined, error: new PluginLoadError(name, message) } as PluginRecord;
    }
    if (!this.records.has(record.folder.path)) this.records.set(record.folder.path, asRecord(record));
    return record;
  }

  private async activate(compiled: PluginRecord | CompiledPlugin | CompiledGen2Plugin): Promise<PluginRecord> {
    return this.install(await this.startCompiled(compiled));
  }

  private startCompiled(compiled: PluginRecord | CompiledPlugin | CompiledGen2Plugin): Promise<PluginRecord> {
    if (!("module" in compiled)) return Promise.resolve(compiled);
    return "generation" in compiled ? this.startGen2(compiled) : this.startPlugin(compiled);
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

  private async startPlugin(compiled: CompiledPlugin): Promise<PluginRecord> {
    const { folder, manifest } = compiled;
    let plugin: Plugin | undefined;
    try {
      plugin = await this.createPlugin(compiled);
      await verifyCapabilities(plugin);
      const initError = await initialize(plugin, this.configOf(manifest.name));
      return { folder, manifest, plugin, ...(initError && { initError }) };
    } catch (error) {
      if (plugin) void this.retire(plugin);
      return { folder, manifest, error: asPluginError(manifest.name, error) };
    }
  }

  /** Gives a compiled plugin its host services (which may refuse its permissions) and registers it. */
  private async createPlugin(compiled: CompiledPlugin): Promise<Plugin> {
    const { manifest } = compiled;
    // Callbacks go to this very version: events may arrive while OnInit still runs.
    const target = { plugin: undefined as Plugin | undefined };
    const services = this.hostServices.forPlugin({
      name: manifest.name,
      permissions: manifest.permissions,
      config: this.configOf(manifest.name),
      callbacks: this.callbacksOf(manifest.name, (capability, method, request) => target.plugin!.call(capability, method, request)),
    });
    const image = {
      ...this.imageLimits(manifest.name, compiled.module),
      envImports: compiled.envImports,
      localReplies: await localReplies(services, compiled.envImports),
      sharedCache: services.cache?.shared,
    };
    const plugin = new Plugin(manifest, image, compiled.exportNames, services, this.runtime());
    target.plugin = plugin;
    this.versions.set(plugin.id, plugin);
    return plugin;
  }

  /** What every image carries, both generations alike: its identity, module and limits. */
  private imageLimits(name: string, module: WebAssembly.Module) {
    return {
      pluginId: `${name}#${++this.generation}`,
      pluginName: name,
      module,
      envImports: [],
      localReplies: {},
      memoryLimitBytes: this.options.memoryLimitBytes,
      maxResultBytes: this.options.maxResultBytes,
      maxResultEntries: this.options.maxResultEntries,
      maxResultMessages: this.options.maxResultMessages,
      maxHostCallRequestBytes: this.options.maxHostCallRequestBytes,
      maxIdleMemoryBytes: this.options.maxIdleMemoryBytes,
      maxIdleInstances: this.options.maxInstancesPerPlugin,
    } satisfies PluginImage;
  }

  /** Starts a generation-2 plugin: its services, its image, then nd_on_init (a failure is logged; the plugin stays). */
  private async startGen2(compiled: CompiledGen2Plugin): Promise<PluginRecord> {
    const { folder, id, manifest } = compiled;
    let plugin: Gen2Plugin | undefined;
    try {
      const config = { ...this.options.pluginConfig?.[id] };
      const access = this.options.pluginAccess?.(id);
      const target = { plugin: undefined as Gen2Plugin | undefined };
      const callbacks = gen2Callbacks(id, this.logger, () => this.closed, (exportName, input) => target.plugin!.callExport(exportName, input));
      const services = this.hostServices.forPlugin(
        gen2Description({ id, manifest, config, access, callbacks }),
      );
      const image: PluginImage = {
        ...this.imageLimits(id, compiled.module),
        gen2: {
          kernelImports: compiled.kernelImports,
          userImports: compiled.userImports,
          config,
          logLevel: LOG_LEVELS[this.options.pluginLogLevel ?? "info"],
          libraryMounts: await libraryMounts(manifest, access, this.options.hostServices?.libraries),
        },
      };
      plugin = new Gen2Plugin(id, manifest, image, compiled.exportNames, services, this.runtime());
      target.plugin = plugin;
      this.versions.set(plugin.id, plugin);
      const initError = await initializeGen2(plugin);
      return { generation: 2, id, folder, manifest, plugin, ...(initError && { initError }) };
    } catch (error) {
      if (plugin) void this.retire(plugin);
      return { generation: 2, id, folder, manifest, error: asPluginError(id, error) };
    }
  }

  private configOf(name: string): Record<string, string> {
    return pluginConfigAsSeen(ownPluginConfig(this.options.pluginConfig, name));
  }

  private runtime(): PluginRuntime {
    const { callTimeoutMs, maxInstancesPerPlugin, memoryLimitBytes, maxQueuedCallsPerPlugin } = this.options;
    const settings = { callTimeoutMs, maxInstances: maxInstancesPerPlugin, maxQueued: maxQueuedCallsPerPlugin, memoryLimitBytes };
    return { pool: this.pool!, metrics: this.metricsStore, settings };
  }

  private callbacksOf(
    name: string,
    call: (capability: CapabilityName, method: string, request: unknown) => Promise<unknown>,
  ): PluginCallbacks {
    const deliver = (capability: CapabilityName, method: string) => async (request: unknown) => {
      if (this.closed) return;
      try {
        await call(capability, method, request);
      } catch (error) {
        this.logger.warn(`plugin ${name}: ${capability}.${method} failed: ${(error as Error).message}`, { plugin: name });
      }
    };
    return {
      onSchedulerCallback: deliver("SchedulerCallback", "OnSchedulerCallback"),
      onTextMessage: deliver("WebSocketCallback", "OnTextMessage"),
      onBinaryMessage: deliver("WebSocketCallback", "OnBinaryMessage"),
      onError: deliver("WebSocketCallback", "OnError"),
      onClose: deliver("WebSocketCallback", "OnClose"),
    };
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

/** Host functions whose reply is fixed for a load (the plugin's config), answered inside the worker. */
const LOCALLY_ANSWERED = ["get_config", "get_plugin_config"];

async function localReplies(services: PluginHostServices, envImports: readonly string[]): Promise<Record<string, Uint8Array>> {
  const replies: Record<string, Uint8Array> = {};
  for (const name of envImports.filter((name) => LOCALLY_ANSWERED.includes(name))) {
    replies[name] = await services.call(name, new Uint8Array());
  }
  return replies;
}

/** Resolves when `work` does, or after `ms`, whichever comes first. */
async function withinGrace(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([work, graceOver]);
  clearTimeout(timer);
}

/** A compiled plugin's record before it runs, or the record itself. */
function asRecord(record: PluginRecord | CompiledPlugin | CompiledGen2Plugin): PluginRecord {
  if ("generation" in record && record.generation === 2) {
    return { generation: 2, id: record.id, folder: record.folder, manifest: record.manifest };
  }
  return { folder: record.folder, manifest: record.manifest as PluginRecord["manifest"] & CompiledPlugin["manifest"] } as PluginRecord;
}

/** The logger method a kernel log level goes to (the logger has no trace). */
function loggerLevel(level: LogLine["level"]): "debug" | "info" | "warn" | "error" {
  return level === undefined || level === "trace" ? "debug" : level;
}

function asPluginError(plugin: string, error: unknown): PluginError {
  return error instanceof PluginError ? error : new PluginLoadError(plugin, (error as Error).message ?? String(error));
}
