import type { PermissionsV2 } from "@nd/manifest";
import { gen2 } from "@nd/protocol";
import { HostCallError, PermissionError, ServicesClosedError } from "../errors.js";
import type { HostContext } from "../host-context.js";
import type { PluginDescription, PluginHostServices } from "../host-services.js";
import { isGranted } from "../permission-grant.js";
import { createGen2Services } from "./create-gen2-services.js";
import type { UserFunction } from "./gen2-services.js";
import { kernelHttpRequest } from "./kernel-http.js";
import { runUserFunction } from "./run-user-function.js";
import { USER_FUNCTIONS } from "./user-functions.js";

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

/** The services of one generation-2 plugin: JSON host functions over the shared service implementations. */
export function buildGen2PluginServices(
  plugin: PluginDescription,
  host: HostContext,
  onClose: () => void,
): PluginHostServices {
  const { services, close } = createGen2Services(plugin, host);
  const { pluginId, permissions } = services;
  const functions = grantedFunctions(permissions);
  let closing: Promise<void> | undefined;

  return {
    ...(services.cache && { cache: services.cache }),
    importNames: Object.freeze([...functions.keys()]),
    async call(importName, request, options = {}) {
      if (closing) throw new ServicesClosedError(`${importName}: the services of plugin "${pluginId}" are closed`);
      if (importName === gen2.KERNEL_HTTP_REQUEST) return kernelHttpRequest(services.http, pluginId, request, options);
      const fn = functions.get(importName);
      if (!fn) throw unavailableUserFunction(pluginId, permissions, importName);
      return runUserFunction(fn, services, importName, request, options);
    },
    close() {
      closing ??= close().then(onClose);
      return closing;
    },
  };
}
