import type { HostServices, PluginCallbacks, PluginHostServices } from "@nd/host-services";
import { ownPluginConfig, pluginConfigAsSeen } from "@nd/host-services";
import { pluginConfigWarnings } from "@nd/manifest";
import type { CapabilityName } from "@nd/protocol";
import { Gen2Plugin } from "../calling/gen2-plugin.js";
import type { Metrics } from "../calling/metrics.js";
import { Plugin, type PluginRuntime } from "../calling/plugin.js";
import { PluginLoadError } from "../errors.js";
import type { CompiledGen2Plugin } from "../loading/gen2-loader.js";
import { initialize, verifyCapabilities, type CompiledPlugin } from "../loading/plugin-loader.js";
import type { Logger } from "../logger.js";
import type { ResolvedManagerOptions } from "../manager-options.js";
import type { WorkerPool } from "../threads/worker-pool.js";
import { LOG_LEVELS } from "../threads/worker/gen2/log-levels.js";
import type { PluginImage } from "../threads/worker/messages.js";
import { gen2Callbacks, gen2Description, initializeGen2 } from "./gen2-start.js";
import { libraryMounts } from "./library-mounts.js";
import { asPluginError } from "./plugin-compiler.js";
import type { PluginRecord } from "./plugin-records.js";

/** What starting a plugin needs from the manager. */
export interface StartContext {
  readonly options: ResolvedManagerOptions;
  readonly logger: Logger;
  readonly hostServices: HostServices;
  readonly metrics: Metrics;
  pool(): WorkerPool;
  closed(): boolean;
  /** Makes a version reachable from the workers (its image, its host calls). */
  register(plugin: Plugin | Gen2Plugin): void;
  /** Lets a version finish its calls, then frees it. */
  retire(plugin: Plugin | Gen2Plugin): Promise<void>;
}

/**
 * Turns a compiled plugin into a running version: its host services (which may refuse its
 * permissions), its image for the workers, its callbacks, then its load checks and OnInit
 * (nd_on_init for generation 2). Never throws: a failure is a record carrying its error.
 */
export class PluginStarter {
  /** Numbers every version, so the workers tell a reloaded plugin's versions apart. */
  private versionCount = 0;

  constructor(private readonly context: StartContext) {}

  start(compiled: PluginRecord | CompiledPlugin | CompiledGen2Plugin): Promise<PluginRecord> {
    if (!("module" in compiled)) return Promise.resolve(compiled);
    return "generation" in compiled ? this.startGen2(compiled) : this.startGen1(compiled);
  }

  private async startGen1(compiled: CompiledPlugin): Promise<PluginRecord> {
    const { folder, manifest } = compiled;
    let plugin: Plugin | undefined;
    try {
      plugin = await this.createPlugin(compiled);
      await verifyCapabilities(plugin);
      const initError = await initialize(plugin, this.configOf(manifest.name));
      return { folder, manifest, plugin, ...(initError && { initError }) };
    } catch (error) {
      if (plugin) void this.context.retire(plugin);
      return { folder, manifest, error: asPluginError(manifest.name, error) };
    }
  }

  /** Gives a compiled plugin its host services (which may refuse its permissions) and registers it. */
  private async createPlugin(compiled: CompiledPlugin): Promise<Plugin> {
    const { manifest } = compiled;
    // Callbacks go to this very version: events may arrive while OnInit still runs.
    const target = { plugin: undefined as Plugin | undefined };
    const services = this.context.hostServices.forPlugin({
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
    this.context.register(plugin);
    return plugin;
  }

  /** What every image carries, both generations alike: its identity, module and limits. */
  private imageLimits(name: string, module: WebAssembly.Module) {
    return {
      pluginId: `${name}#${++this.versionCount}`,
      pluginName: name,
      module,
      envImports: [],
      localReplies: {},
      memoryLimitBytes: this.context.options.memoryLimitBytes,
      maxResultBytes: this.context.options.maxResultBytes,
      maxResultEntries: this.context.options.maxResultEntries,
      maxResultMessages: this.context.options.maxResultMessages,
      maxHostCallRequestBytes: this.context.options.maxHostCallRequestBytes,
      maxIdleMemoryBytes: this.context.options.maxIdleMemoryBytes,
      maxIdleInstances: this.context.options.maxInstancesPerPlugin,
    } satisfies PluginImage;
  }

  /** Starts a generation-2 plugin: its services, its image, then nd_on_init (a failure is logged; the plugin stays). */
  private async startGen2(compiled: CompiledGen2Plugin): Promise<PluginRecord> {
    const { folder, id, manifest } = compiled;
    let plugin: Gen2Plugin | undefined;
    try {
      const config = { ...this.context.options.pluginConfig?.[id] };
      for (const warning of pluginConfigWarnings(manifest.config, config)) {
        this.context.logger.warn(`plugin ${id}: ${warning.message}`, { plugin: id });
      }
      const access = this.context.options.pluginAccess?.(id);
      const target = { plugin: undefined as Gen2Plugin | undefined };
      const callbacks = gen2Callbacks(id, this.context.logger, () => this.context.closed(), (exportName, input, options) => target.plugin!.callExport(exportName, input, options));
      const services = this.context.hostServices.forPlugin(
        gen2Description({ id, manifest, config, access, callbacks }),
      );
      const unserved = compiled.userImports.filter((name) => !services.importNames.includes(name));
      if (unserved.length > 0) {
        void services.close();
        throw new PluginLoadError(id, `imports ${unserved.map((name) => `extism:host/user.${name}`).join(", ")}, which this host does not serve`);
      }
      const image: PluginImage = {
        ...this.imageLimits(id, compiled.module),
        sharedCache: services.cache?.shared,
        gen2: {
          kernelImports: compiled.kernelImports,
          userImports: compiled.userImports,
          config,
          logLevel: LOG_LEVELS[this.context.options.pluginLogLevel ?? "info"],
          libraryMounts: await libraryMounts(manifest, access, this.context.options.hostServices?.libraries),
          instantiateAhead: compiled.instantiatesWithoutCode,
        },
      };
      plugin = new Gen2Plugin(id, manifest, image, compiled.exportNames, services, this.runtime());
      target.plugin = plugin;
      this.context.register(plugin);
      const initError = await initializeGen2(plugin);
      return { generation: 2, id, folder, manifest, plugin, ...(initError && { initError }) };
    } catch (error) {
      if (plugin) void this.context.retire(plugin);
      return { generation: 2, id, folder, manifest, error: asPluginError(id, error) };
    }
  }

  private configOf(name: string): Record<string, string> {
    return pluginConfigAsSeen(ownPluginConfig(this.context.options.pluginConfig, name));
  }

  private runtime(): PluginRuntime {
    const { callTimeoutMs, maxInstancesPerPlugin, memoryLimitBytes, maxQueuedCallsPerPlugin } = this.context.options;
    const settings = { callTimeoutMs, maxInstances: maxInstancesPerPlugin, maxQueued: maxQueuedCallsPerPlugin, memoryLimitBytes };
    return { pool: this.context.pool(), metrics: this.context.metrics, settings };
  }

  private callbacksOf(
    name: string,
    call: (capability: CapabilityName, method: string, request: unknown) => Promise<unknown>,
  ): PluginCallbacks {
    const deliver = (capability: CapabilityName, method: string) => async (request: unknown) => {
      if (this.context.closed()) return;
      try {
        await call(capability, method, request);
      } catch (error) {
        this.context.logger.warn(`plugin ${name}: ${capability}.${method} failed: ${(error as Error).message}`, { plugin: name });
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
