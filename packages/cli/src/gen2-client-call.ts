import type { CapabilityName } from "@nd/protocol";
import type { PluginManager } from "@nd/runtime";

type ClientMethod = (request: unknown) => Promise<unknown>;

/**
 * A generation-1 capability method (`MetadataAgent.GetArtistBiography`) of a generation-2
 * plugin, through the runtime's client that speaks generation 1's shapes over the plugin's
 * `nd_*` exports; undefined when the runtime has no such client or method.
 */
export function gen2ClientMethod(manager: PluginManager, id: string, capability: CapabilityName, method: string): ClientMethod | undefined {
  const clients = capability === "MetadataAgent" ? manager.metadataAgents() : capability === "Scrobbler" ? manager.scrobblers() : [];
  const client = clients.find((candidate) => candidate.pluginName === id) as unknown as Record<string, ClientMethod> | undefined;
  const name = `${method[0]!.toLowerCase()}${method.slice(1)}`;
  return client && Object.hasOwn(client, name) ? client[name]!.bind(client) : undefined;
}
