import type {
  HttpPermission,
  Permissions,
  PermissionsV2,
  SubsonicApiPermission,
  WebSocketPermission,
} from "@nd/manifest";
import type { PermissionName } from "@nd/protocol";
import { type ArtworkService, createPluginArtworkService } from "./artwork/artwork-service.js";
import type { CacheService } from "./cache/cache-service.js";
import { PluginCaches } from "./cache/plugin-caches.js";
import { type ConfigService, createConfigService } from "./config/config-service.js";
import { ServicesClosedError } from "./errors.js";
import { buildGen2PluginServices } from "./gen2/gen2-plugin-services.js";
import type { PluginAccess } from "./gen2/plugin-access.js";
import type { HostContext } from "./host-context.js";
import type { HostCallOptions } from "./host-call-options.js";
import { createHttpService, type HttpService } from "./http/http-service.js";
import { NetworkAccess } from "./network/network-access.js";
import { type HostServicesOptions, resolveOptions } from "./options.js";
import { isGranted } from "./permission-grant.js";
import {
  createSubsonicApiService,
  type SubsonicApiService,
  subsonicAuthorizerV057,
} from "./subsonicapi/subsonicapi-service.js";
import { clusterScheduleGate } from "./store/schedule-tick.js";
import { createStoreBackend } from "./store/store-backend.js";
import { createSchedulerService, type SchedulerService } from "./scheduler/scheduler-service.js";
import {
  createWebSocketService,
  type WebSocketCallbacks,
  webSocketRulesV057,
  type WebSocketService,
} from "./websocket/websocket-service.js";
import { type GrantedServices, unavailableImport, wireHandlers } from "./wire-call.js";
import type * as Messages from "./messages.js";

/** How services call back into the plugin (the runtime implements these with the plugin's exports). */
export interface PluginCallbacks extends WebSocketCallbacks {
  onSchedulerCallback?(request: Messages.SchedulerCallbackRequest): Promise<void>;
  /** Generation 2's TaskWorker (`nd_task_execute`): answers the task's message, rejects to fail the attempt. */
  onTaskExecute?(request: TaskExecuteRequest): Promise<string>;
}

/** One attempt of a queued task (generation 2). */
export interface TaskExecuteRequest {
  queueName: string;
  taskId: string;
  payload: Uint8Array;
  /** 1 for the first attempt. */
  attempt: number;
}

/** What a host knows of one plugin when it creates the plugin's services. */
export interface PluginDescription {
  /** The manifest name: generation 1's identity; a display name in generation 2. */
  name: string;
  /** Default 1. */
  generation?: 1 | 2;
  /** Generation 2's identity (the file or folder name): Subsonic `c`, store namespace, logs. Default `name`. */
  id?: string;
  /** Generation 2's scopes, from the embedding host's configuration. Default: no users, no libraries, read only. */
  access?: PluginAccess;
  /** Permissions when generation is 1, PermissionsV2 when it is 2. */
  permissions: Permissions | PermissionsV2;
  /** Generation 1: its `[PluginConfig.<name>]` map. Generation 2: its config flattened to strings, keys as stored. */
  config: Record<string, string>;
  callbacks?: PluginCallbacks;
}

/** One plugin's services: only the granted ones are present. */
export interface PluginHostServices {
  readonly http?: HttpService;
  readonly cache?: CacheService;
  readonly config?: ConfigService;
  readonly scheduler?: SchedulerService;
  readonly websocket?: WebSocketService;
  readonly artwork?: ArtworkService;
  readonly subsonicapi?: SubsonicApiService;
  /**
   * Names of the imports this plugin may link: every function of every granted service (`env`
   * functions for generation 1, `extism:host/user` functions for generation 2).
   */
  readonly importNames: readonly string[];
  /**
   * Wire entry for runtimes. Generation 1: decodes the protobuf request of `env.<importName>`, runs the
   * service and answers the encoded response. Generation 2: the request is the UTF-8 JSON of
   * `extism:host/user.<importName>` and the answer its JSON envelope (`{"error"}` on a service
   * failure); `gen2.KERNEL_HTTP_REQUEST` is the kernel's `http_request`, which rejects when refused. Throws PermissionError for a function of a service not granted and
   * HostCallError for an unknown name or bytes that do not decode. `options.signal` ends the
   * host work the call started (an HTTP request, a WebSocket handshake) when it is aborted.
   */
  call(importName: string, request: Uint8Array, options?: HostCallOptions): Promise<Uint8Array>;
  /**
   * Stops this plugin's jobs, ends its HTTP requests in flight and closes its sockets (on unload or reload). Its cache is kept
   * while another version of the same plugin (a reload) holds it, and freed otherwise.
   */
  close(): Promise<void>;
}

/** The host-wide factory of per-plugin services. */
export interface HostServices {
  forPlugin(plugin: PluginDescription): PluginHostServices;
  /** Closes every plugin's services and the shared HTTP connection pools. */
  close(): Promise<void>;
}

function buildPluginServices(plugin: PluginDescription, host: HostContext, onClose: () => void): PluginHostServices {
  const { name, callbacks = {} } = plugin;
  const permissions = plugin.permissions as Permissions;
  const { options, network, caches } = host;
  const granted = (permission: PermissionName) => isGranted(permissions, permission);
  const logger = options.logger;
  const http = granted("http")
    ? createHttpService(name, permissions.http as HttpPermission, network, options.http, logger)
    : undefined;
  const cache = granted("cache") ? caches.acquire(name) : undefined;
  const config = granted("config") ? createConfigService(plugin.config) : undefined;
  const scheduler = granted("scheduler")
    ? createSchedulerService(name, callbacks.onSchedulerCallback?.bind(callbacks), options.scheduler, logger)
    : undefined;
  const websocket = granted("websocket")
    ? createWebSocketService(
        name,
        webSocketRulesV057(name, permissions.websocket as WebSocketPermission, network, options.websocket, logger),
        callbacks,
        network,
        options.websocket,
        logger,
      )
    : undefined;
  const artwork = granted("artwork") ? createPluginArtworkService(host) : undefined;
  const subsonicapi = granted("subsonicapi")
    ? createSubsonicApiService(
        name,
        subsonicAuthorizerV057(permissions.subsonicapi as SubsonicApiPermission),
        options.subsonicapi,
        logger,
      )
    : undefined;

  const services: GrantedServices = { http, cache, config, scheduler, websocket, artwork, subsonicapi };
  const handlers = wireHandlers(services);
  let closing: Promise<void> | undefined;

  return {
    http,
    cache,
    config,
    scheduler,
    websocket,
    artwork,
    subsonicapi,
    importNames: Object.freeze([...handlers.keys()]),
    async call(importName, request, options = {}) {
      if (closing) throw new ServicesClosedError(`env.${importName}: the services of plugin "${name}" are closed`);
      const handler = handlers.get(importName);
      if (!handler) throw unavailableImport(name, importName);
      return handler(request, options);
    },
    close() {
      closing ??= (async () => {
        scheduler?.close();
        http?.abortAll();
        if (cache) caches.release(name);
        await websocket?.closeAll();
        onClose();
      })();
      return closing;
    },
  };
}

/** Creates the host-wide services; call `forPlugin` once per loaded plugin. */
export function createHostServices(options?: HostServicesOptions): HostServices {
  const resolved = resolveOptions(options);
  const store = createStoreBackend(resolved.store, resolved.logger);
  // A host's own hook wins; otherwise a shared store makes each run fire once per cluster.
  resolved.scheduler.beforeFire ??= clusterScheduleGate(store);
  const network = new NetworkAccess(resolved.dnsLookup, resolved.http.dispatcher);
  const warned = new Set<string>();
  const context: HostContext = {
    options: resolved,
    network,
    caches: new PluginCaches(resolved.cache, store),
    store,
    warnOnce(key, message) {
      if (warned.has(key)) return;
      warned.add(key);
      resolved.logger.warn(message);
    },
  };
  const live = new Set<PluginHostServices>();
  let closed = false;
  return {
    forPlugin(plugin) {
      if (closed) throw new ServicesClosedError(`cannot serve plugin "${plugin.name}": these host services are closed`);
      const build = plugin.generation === 2 ? buildGen2PluginServices : buildPluginServices;
      const services = build(plugin, context, () => live.delete(services));
      live.add(services);
      return services;
    },
    async close() {
      closed = true;
      await Promise.all([...live].map((services) => services.close()));
      await Promise.all([network.close(), context.store.close()]);
    },
  };
}
