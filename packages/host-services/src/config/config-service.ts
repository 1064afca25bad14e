import type * as M from "../messages.js";

/** ConfigService: the plugin's own `[PluginConfig.<name>]` map, nothing else of the host's configuration. */
export interface ConfigService {
  getConfig(request?: Partial<M.GetConfigRequest>): Promise<M.GetConfigResponse>;
  /** The older name of `getConfig`; same answer. */
  getPluginConfig(request?: Partial<M.GetConfigRequest>): Promise<M.GetConfigResponse>;
}

export function createConfigService(pluginConfig: Readonly<Record<string, string>>): ConfigService {
  // Copied once, so later changes to the host's object do not leak in, and each answer is a fresh copy.
  const snapshot = Object.fromEntries(Object.entries(pluginConfig).map(([key, value]) => [key, String(value)]));
  const getConfig = async (): Promise<M.GetConfigResponse> => ({ config: { ...snapshot } });
  return { getConfig, getPluginConfig: getConfig };
}
