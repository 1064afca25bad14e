import type { PermissionsV2, RequiredHostsPermission } from "@nd/manifest";
import { gen2 } from "@nd/protocol";
import { createPluginArtworkService } from "../artwork/artwork-service.js";
import { HostCallError, HostServicesError, PermissionError, ServicesClosedError } from "../errors.js";
import type { HostCallOptions } from "../host-call-options.js";
import type { HostContext } from "../host-context.js";
import type { PluginDescription, PluginHostServices } from "../host-services.js";
import { isGranted } from "../permission-grant.js";
import { createPluginStoreServices } from "../store/plugin-store-services.js";
import { createSchedulerService, SCHEDULER_RULES_V063 } from "../scheduler/scheduler-service.js";
import { createGen2Http } from "./gen2-http.js";
import type { Gen2Services, UserFunction } from "./gen2-services.js";
type PermissionName = gen2.PermissionName;
import { encodeError, encodeSuccess, parseRequest } from "./json-envelope.js";
import { kernelHttpRequest } from "./kernel-http.js";
import { NO_ACCESS } from "./plugin-access.js";
import { USER_FUNCTIONS } from "./user-functions.js";

/** Errors that fail the host call itself; every other error is the service's answer, `{"error"}`. */
const isCallFailure = (error: unknown) =>
  error instanceof HostCallError || error instanceof PermissionError || error instanceof ServicesClosedError;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function runUserFunction(
  fn: UserFunction,
  services: Gen2Services,
  importName: string,
  request: Uint8Array,
  options: HostCallOptions,
): Promise<Uint8Array> {
  const parsed = parseRequest(importName, request);
  try {
    return encodeSuccess(await fn(services, parsed, options));
  } catch (error) {
    if (isCallFailure(error)) throw error;
    if (!(error instanceof HostServicesError)) {
      services.logger.debug(`plugin ${services.pluginId}: ${importName} failed`, { error: errorText(error) });
    }
    return encodeError(errorText(error));
  }
}

/** The error for a user function this plugin cannot call: not granted, not served by nd, or unknown. */
function unavailableUserFunction(pluginId: string, permissions: PermissionsV2, importName: string): Error {
  const fn = gen2.findHostFunction(importName);
  if (!fn) return new HostCallError(importName, `${gen2.USER_MODULE}.${importName} is not a host function of any service`);
  if (fn.permission !== null && !isGranted(permissions, fn.permission)) {
    return new PermissionError(pluginId, importName, fn.permission, gen2.USER_MODULE);
  }
  return new HostCallError(importName, `${gen2.USER_MODULE}.${importName} (${fn.service}) is not served by this host`);
}

/** The user functions whose service is granted: config always, the others by permission. */
function grantedFunctions(permissions: PermissionsV2): Map<string, UserFunction> {
  const granted = new Map<string, UserFunction>();
  for (const [importName, fn] of Object.entries(USER_FUNCTIONS)) {
    const permission = gen2.findHostFunction(importName)?.permission;
    if (permission === null || (permission !== undefined && isGranted(permissions, permission))) {
      granted.set(importName, fn);
    }
  }
  return granted;
}

function configMap(config: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  return new Map(Object.entries(config).map(([key, value]) => [key, String(value)]));
}

/** The services of one generation-2 plugin: JSON host functions over the shared service implementations. */
export function buildGen2PluginServices(
  plugin: PluginDescription,
  host: HostContext,
  onClose: () => void,
): PluginHostServices {
  const pluginId = plugin.id ?? plugin.name;
  const permissions = plugin.permissions as PermissionsV2;
  const granted = (permission: PermissionName) => isGranted(permissions, permission);
  const { options } = host;
  const callbacks = plugin.callbacks ?? {};
  // First: an invalid kvstore maxSize fails the load before anything else is acquired.
  const stores = createPluginStoreServices(pluginId, permissions, callbacks.onTaskExecute?.bind(callbacks), {
    store: host.store,
    options: options.store,
    logger: options.logger,
  });
  const cache = granted("cache") ? host.caches.acquire(pluginId, 2) : undefined;
  const artwork = granted("artwork") ? createPluginArtworkService(host) : undefined;
  const http = granted("http")
    ? createGen2Http(pluginId, permissions.http as RequiredHostsPermission, host.network, options.http)
    : undefined;
  const scheduler = granted("scheduler")
    ? createSchedulerService(
        pluginId,
        callbacks.onSchedulerCallback?.bind(callbacks),
        options.scheduler,
        options.logger,
        SCHEDULER_RULES_V063,
      )
    : undefined;
  const services: Gen2Services = {
    pluginId,
    permissions,
    access: plugin.access ?? NO_ACCESS,
    config: configMap(plugin.config),
    logger: options.logger,
    artwork,
    cache,
    http,
    scheduler,
    kvstore: stores.kvstore,
    taskqueue: stores.taskqueue,
  };
  const functions = grantedFunctions(permissions);
  let closing: Promise<void> | undefined;

  return {
    importNames: Object.freeze([...functions.keys()]),
    async call(importName, request, options = {}) {
      if (closing) throw new ServicesClosedError(`${importName}: the services of plugin "${pluginId}" are closed`);
      if (importName === gen2.KERNEL_HTTP_REQUEST) return kernelHttpRequest(http, pluginId, request, options);
      const fn = functions.get(importName);
      if (!fn) throw unavailableUserFunction(pluginId, permissions, importName);
      return runUserFunction(fn, services, importName, request, options);
    },
    close() {
      closing ??= (async () => {
        scheduler?.close();
        http?.abortAll();
        if (cache) host.caches.release(pluginId, 2);
        await stores.close();
        onClose();
      })();
      return closing;
    },
  };
}
