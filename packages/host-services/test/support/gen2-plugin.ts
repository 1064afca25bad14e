import type { PermissionsV2 } from "@nd/manifest";
import {
  createHostServices,
  type HostServicesOptions,
  type PluginAccess,
  type PluginCallbacks,
  type PluginHostServices,
} from "../../src/index.js";

/** Host services for one generation-2 test plugin; `close` closes the host (and so the plugin). */
export function gen2PluginWith(
  permissions: PermissionsV2,
  options: HostServicesOptions = {},
  extra: { config?: Record<string, string>; callbacks?: PluginCallbacks; id?: string; access?: PluginAccess } = {},
) {
  const host = createHostServices(options);
  const services = host.forPlugin({
    name: "Test Plugin",
    id: extra.id ?? "test-plugin",
    generation: 2,
    permissions,
    config: extra.config ?? {},
    callbacks: extra.callbacks,
    access: extra.access,
  });
  return { host, services, close: () => host.close() };
}

/** Calls a user function with a JSON request and answers the parsed JSON envelope. */
export async function callJson(
  services: PluginHostServices,
  importName: string,
  request: unknown = {},
): Promise<Record<string, any>> {
  const bytes = new TextEncoder().encode(typeof request === "string" ? request : JSON.stringify(request));
  return JSON.parse(new TextDecoder().decode(await services.call(importName, bytes)));
}
