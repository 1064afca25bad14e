import type { PermissionsV2, RequiredHostsPermission } from "@nd/manifest";
import type { gen2 } from "@nd/protocol";
import { createPluginArtworkService } from "../artwork/artwork-service.js";
import type { HostContext } from "../host-context.js";
import type { PluginDescription } from "../host-services.js";
import { isGranted } from "../permission-grant.js";
import { createPluginStoreServices } from "../store/plugin-store-services.js";
import { createSchedulerService, SCHEDULER_RULES_V063 } from "../scheduler/scheduler-service.js";
import { createSubsonicApiService } from "../subsonicapi/subsonicapi-service.js";
import { createWebSocketService } from "../websocket/websocket-service.js";
import { createGen2Http } from "./gen2-http.js";
import type { Gen2Services } from "./gen2-services.js";
import { NO_ACCESS } from "./plugin-access.js";
import { subsonicAuthorizerV063 } from "./subsonicapi-functions.js";
import { webSocketRulesV063 } from "./websocket-rules.js";

function configMap(config: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  return new Map(Object.entries(config).map(([key, value]) => [key, String(value)]));
}

/**
 * The services a generation-2 plugin's permissions grant, built on generation 1's implementations,
 * and the function that ends them (jobs stopped, requests aborted, sockets closed, cache released).
 */
export function createGen2Services(
  plugin: PluginDescription,
  host: HostContext,
): { services: Gen2Services; close(): Promise<void> } {
  const pluginId = plugin.id ?? plugin.name;
  const permissions = plugin.permissions as PermissionsV2;
  const access = plugin.access ?? NO_ACCESS;
  const granted = (permission: gen2.PermissionName) => isGranted(permissions, permission);
  const { options, network } = host;
  const { logger } = options;
  const callbacks = plugin.callbacks ?? {};

  // First: an invalid kvstore maxSize fails the load before anything else is acquired.
  const stores = createPluginStoreServices(pluginId, permissions, callbacks.onTaskExecute?.bind(callbacks), {
    store: host.store,
    options: options.store,
    logger,
  });
  const cache = granted("cache") ? host.caches.acquire(pluginId, 2) : undefined;
  const http = granted("http")
    ? createGen2Http(pluginId, permissions.http as RequiredHostsPermission, network, options.http)
    : undefined;
  const scheduler = granted("scheduler")
    ? createSchedulerService(
        pluginId,
        callbacks.onSchedulerCallback?.bind(callbacks),
        options.scheduler,
        logger,
        SCHEDULER_RULES_V063,
      )
    : undefined;
  const websocket = granted("websocket")
    ? createWebSocketService(
        pluginId,
        webSocketRulesV063(pluginId, permissions.websocket as RequiredHostsPermission, options.websocket),
        callbacks,
        network,
        options.websocket,
        logger,
      )
    : undefined;
  const subsonicapi = granted("subsonicapi")
    ? createSubsonicApiService(pluginId, subsonicAuthorizerV063(pluginId, access, options.users), options.subsonicapi, logger)
    : undefined;

  const services: Gen2Services = {
    pluginId,
    permissions,
    access,
    config: configMap(plugin.config),
    logger,
    artwork: granted("artwork") ? createPluginArtworkService(host) : undefined,
    cache,
    http,
    scheduler,
    websocket,
    subsonicapi,
    users: options.users,
    libraries: options.libraries,
    matcher: options.matcher,
    kvstore: stores.kvstore,
    taskqueue: stores.taskqueue,
  };
  return {
    services,
    async close() {
      scheduler?.close();
      http?.abortAll();
      if (cache) host.caches.release(pluginId, 2);
      await Promise.all([websocket?.closeAll(), stores.close()]);
    },
  };
}
