import { basename } from "node:path";
import type { Manifest, ManifestV2 } from "@nd/manifest";
import type { CapabilityName, gen2 } from "@nd/protocol";
import type { Gen2Plugin } from "../calling/gen2-plugin.js";
import type { Plugin } from "../calling/plugin.js";
import type { PluginError } from "../errors.js";
import type { PluginFolder } from "../loading/discovery.js";
import { grantedPermissionsV2 } from "../loading/gen2-linking.js";
import { grantedPermissions } from "../loading/linking.js";

export type PluginState = "loading" | "loaded" | "failed";

interface PluginInfoBase {
  /** The manifest name (a display name for generation 2), or the folder's name when the manifest could not be read. */
  readonly name: string;
  /** What the manager's methods take: the manifest name for generation 1, the folder or file name for generation 2. */
  readonly id: string;
  readonly folder: string;
  readonly isSymlink: boolean;
  readonly state: PluginState;
  /** Why the plugin failed; on a loaded plugin, why its last reload failed (the running version stayed). */
  readonly error?: PluginError;
  /** The error the loaded version's OnInit (nd_on_init) answered; the plugin stays loaded and callable. */
  readonly initError?: PluginError;
  /** Granted permissions this host knows (unknown keys are left out). */
  readonly permissions: readonly string[];
}

/** What `list()` tells about a generation-1 plugin (go-plugin ABI, protobuf). */
export interface Gen1PluginInfo extends PluginInfoBase {
  readonly generation: 1;
  readonly manifest?: Manifest;
  /** Declared in the manifest. */
  readonly capabilities: readonly CapabilityName[];
}

/** What `list()` tells about a generation-2 plugin (Extism ABI, JSON). */
export interface Gen2PluginInfo extends PluginInfoBase {
  readonly generation: 2;
  readonly manifest?: ManifestV2;
  /** Detected from the module's `nd_*` exports. */
  readonly capabilities: readonly gen2.CapabilityName[];
}

/** What `list()` tells about each plugin. */
export type PluginInfo = Gen1PluginInfo | Gen2PluginInfo;

/** A plugin folder (or package) the manager knows, with its running version if loaded. */
export type PluginRecord =
  | {
      readonly generation?: 1;
      readonly folder: PluginFolder;
      readonly manifest?: Manifest;
      readonly plugin?: Plugin;
      readonly error?: PluginError;
      readonly initError?: PluginError;
    }
  | {
      readonly generation: 2;
      readonly id: string;
      readonly folder: PluginFolder;
      readonly manifest?: ManifestV2;
      readonly plugin?: Gen2Plugin;
      readonly error?: PluginError;
      readonly initError?: PluginError;
    };

/** The name the manager's methods take: generation 2's plugin ID, generation 1's manifest name, else the folder's name. */
export function idOf(record: PluginRecord): string {
  if (record.generation === 2) return record.id;
  return record.manifest?.name ?? basename(record.folder.path);
}

export function describe(record: PluginRecord): PluginInfo {
  const common = {
    id: idOf(record),
    name: record.manifest?.name ?? idOf(record),
    folder: record.folder.path,
    isSymlink: record.folder.isSymlink,
    state: record.plugin ? "loaded" : record.error ? "failed" : "loading",
    error: record.error,
    ...(record.initError && { initError: record.initError }),
  } as const;
  if (record.generation === 2) {
    return {
      ...common,
      generation: 2,
      manifest: record.manifest,
      capabilities: record.plugin?.capabilities ?? [],
      permissions: grantedPermissionsV2(record.manifest?.permissions),
    };
  }
  const manifest = record.manifest;
  return {
    ...common,
    generation: 1,
    manifest,
    capabilities: [...new Set(manifest?.capabilities)],
    permissions: manifest ? grantedPermissions(manifest.permissions) : [],
  };
}
