import type { BasePermission } from "./types.js";

/** A generation-2 permission that reaches the network: hosts it may reach, as patterns. */
export interface RequiredHostsPermission extends BasePermission {
  /** Host name patterns: `*` (any), an exact name, or `*.suffix` (the suffix's subdomains, not the apex). */
  requiredHosts?: string[];
}

export interface LibraryPermission extends BasePermission {
  /** Default false: when true, each library in scope is mounted at `/libraries/<id>`. */
  filesystem?: boolean;
}

export interface KvStorePermission extends BasePermission {
  /** Storage limit in SI units ("10KB" = 10 000 bytes, "1MiB" = 1 048 576); default 1 048 576 bytes. */
  maxSize?: string;
}

export interface TaskQueuePermission extends BasePermission {
  /** Workers across all the plugin's queues; default 1. */
  maxConcurrency?: number;
}

/** Generation 2's permissions; unknown keys are accepted and ignored. `config` needs none. */
export interface PermissionsV2 {
  http?: RequiredHostsPermission;
  websocket?: RequiredHostsPermission;
  subsonicapi?: BasePermission;
  scheduler?: BasePermission;
  artwork?: BasePermission;
  cache?: BasePermission;
  library?: LibraryPermission;
  kvstore?: KvStorePermission;
  users?: BasePermission;
  taskqueue?: TaskQueuePermission;
  matcher?: BasePermission;
  [unknownPermission: string]: unknown;
}

/** The plugin's configuration form: a JSON Schema for its values and an optional JSONForms layout. */
export interface PluginConfigForm {
  schema: Record<string, unknown>;
  uiSchema?: Record<string, unknown>;
}

/**
 * A generation-2 manifest (Navidrome v0.60+). `name` is a display name; the plugin's
 * identity is its ID (file or folder name). Capabilities are read from the module's exports.
 */
export interface ManifestV2 {
  $schema?: unknown;
  name: string;
  author: string;
  version: string;
  description?: string;
  website?: string;
  config?: PluginConfigForm;
  experimental?: { threads?: BasePermission };
  permissions?: PermissionsV2;
}
