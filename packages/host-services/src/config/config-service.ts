import { pluginConfigAsSeen } from "./plugin-config.js";
import type * as Messages from "../messages.js";

/** ConfigService: the plugin's own `[PluginConfig.<name>]` map (keys lowercased), nothing else of the host's configuration. */
export interface ConfigService {
  getConfig(request?: Partial<Messages.GetConfigRequest>): Promise<Messages.GetConfigResponse>;
  /** The older name of `getConfig`; same answer. */
  getPluginConfig(request?: Partial<Messages.GetConfigRequest>): Promise<Messages.GetConfigResponse>;
}

export function createConfigService(pluginConfig: Readonly<Record<string, string>>): ConfigService {
  // Copied once, so later changes to the host's object do not leak in, and each answer is a fresh copy.
  const snapshot = pluginConfigAsSeen(pluginConfig);
  const getConfig = async (): Promise<Messages.GetConfigResponse> => ({ config: { ...snapshot } });
  return { getConfig, getPluginConfig: getConfig };
}
