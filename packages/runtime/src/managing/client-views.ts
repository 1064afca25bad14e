import type { CapabilityName, gen2 } from "@nd/protocol";
import {
  capabilityClient,
  type CallPlugin,
  type LifecycleManagementClient,
  type SchedulerCallbackClient,
  type WebSocketCallbackClient,
} from "../calling/capability-clients.js";
import {
  gen2Lyrics,
  gen2MetadataAgent,
  gen2Scrobbler,
  gen2SonicSimilarity,
  type AnyMetadataAgentClient,
  type AnyScrobblerClient,
  type CallExport,
  type LyricsClient,
  type SonicSimilarityClient,
} from "../calling/gen2-clients.js";
import type { PluginInfo } from "./plugin-records.js";

type CallExportOf = (id: string, exportName: string, input: Uint8Array) => Promise<Uint8Array>;

/**
 * The typed clients of the loaded plugins, in ID order. Metadata agents and scrobblers of
 * both generations share one client each, so a host asks them all alike; each call goes to
 * the plugin's current version.
 */
export class ClientViews {
  constructor(
    private readonly list: () => PluginInfo[],
    private readonly call: CallPlugin,
    private readonly callExport: CallExportOf,
  ) {}

  metadataAgents(): AnyMetadataAgentClient[] {
    return this.bothGenerations("MetadataAgent", "MetadataAgent", gen2MetadataAgent);
  }

  scrobblers(): AnyScrobblerClient[] {
    return this.bothGenerations("Scrobbler", "Scrobbler", gen2Scrobbler);
  }

  schedulerCallbacks(): SchedulerCallbackClient[] {
    return this.gen1("SchedulerCallback");
  }

  webSocketCallbacks(): WebSocketCallbackClient[] {
    return this.gen1("WebSocketCallback");
  }

  lifecycleManagers(): LifecycleManagementClient[] {
    return this.gen1("LifecycleManagement");
  }

  lyricsProviders(): LyricsClient[] {
    return this.gen2("Lyrics", gen2Lyrics);
  }

  sonicSimilarity(): SonicSimilarityClient[] {
    return this.gen2("SonicSimilarity", gen2SonicSimilarity);
  }

  private bothGenerations<C>(gen1: CapabilityName, gen2: gen2.CapabilityName, adapt: (id: string, call: CallExport) => C): C[] {
    return this.loaded()
      .filter((info) => (info.generation === 1 ? info.capabilities.includes(gen1) : info.capabilities.includes(gen2)))
      .map((info) => (info.generation === 1 ? capabilityClient<C>(info.id, gen1, this.call) : adapt(info.id, this.exportsOf(info.id))));
  }

  private gen1<C>(capability: CapabilityName): C[] {
    return this.loaded()
      .filter((info) => info.generation === 1 && info.capabilities.includes(capability))
      .map((info) => capabilityClient<C>(info.id, capability, this.call));
  }

  private gen2<C>(capability: gen2.CapabilityName, adapt: (id: string, call: CallExport) => C): C[] {
    return this.loaded()
      .filter((info) => info.generation === 2 && info.capabilities.includes(capability))
      .map((info) => adapt(info.id, this.exportsOf(info.id)));
  }

  private loaded(): PluginInfo[] {
    return this.list().filter((info) => info.state === "loaded");
  }

  private exportsOf(id: string): CallExport {
    return (exportName, input) => this.callExport(id, exportName, input);
  }
}
