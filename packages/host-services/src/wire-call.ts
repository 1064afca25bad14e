import { encodeMessage, findHostFunction, HOST_SERVICES, type HostFunction, type PermissionName } from "@nd/protocol";
import { HostCallError, PermissionError } from "./errors.js";
import type { HostCallOptions } from "./host-call-options.js";
import { decodeRequest, methodKey } from "./wire-codec.js";

type WireHandler = (request: Uint8Array, options: HostCallOptions) => Promise<Uint8Array>;
type ServiceMethods = Record<string, (request: unknown, options: HostCallOptions) => Promise<unknown>>;

/** The part of a plugin's services the wire entry needs: each granted service by permission name. */
export type GrantedServices = Partial<Record<PermissionName, object>>;

function wireHandler(fn: HostFunction, service: object): WireHandler {
  const method = (service as ServiceMethods)[methodKey(fn)];
  if (!method) throw new Error(`host service ${fn.service} lacks ${methodKey(fn)}`);
  return async (request, options) =>
    encodeMessage(fn.responseType, await method.call(service, decodeRequest(fn, request), options));
}

/** Builds the import-name → handler table of the granted services. */
export function wireHandlers(granted: GrantedServices): Map<string, WireHandler> {
  const handlers = new Map<string, WireHandler>();
  for (const [permission, service] of Object.entries(granted) as [PermissionName, object | undefined][]) {
    if (!service) continue;
    for (const fn of Object.values(HOST_SERVICES[permission].functions)) {
      handlers.set(fn.importName, wireHandler(fn, service));
    }
  }
  return handlers;
}

/** The error for an import name that has no handler: not granted, or not a host function at all. */
export function unavailableImport(pluginName: string, importName: string): Error {
  const fn = findHostFunction(importName);
  if (fn) return new PermissionError(pluginName, importName, fn.permission);
  return new HostCallError(importName, `env.${importName} is not a host function of any service`);
}
