import type { Permissions } from "@nd/manifest";
import { createHostServices, type HostServicesOptions, type PluginCallbacks } from "../../src/index.js";

/** Host services for one test plugin; `close` closes the host (and so the plugin). */
export function pluginWith(
  permissions: Permissions,
  options: HostServicesOptions = {},
  extra: { config?: Record<string, string>; callbacks?: PluginCallbacks; name?: string } = {},
) {
  const host = createHostServices(options);
  const services = host.forPlugin({
    name: extra.name ?? "test-plugin",
    permissions,
    config: extra.config ?? {},
    callbacks: extra.callbacks,
  });
  return { host, services, close: () => host.close() };
}

export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");
