/** A capability name as written in `capabilities` (case-sensitive). */
export type CapabilityName =
  | "MetadataAgent"
  | "Scrobbler"
  | "SchedulerCallback"
  | "WebSocketCallback"
  | "LifecycleManagement";

/** Fields every permission may carry. `{}` grants the service. */
export interface BasePermission {
  /** Why the plugin needs it; shown by `nd plugin info`. */
  reason?: string;
}

/** Scoping for services that reach the network. */
export interface NetworkPermission extends BasePermission {
  /** Default false: loopback, private, link-local and similar addresses are refused. */
  allowLocalNetwork?: boolean;
}

export interface HttpPermission extends NetworkPermission {
  /** URL pattern (with `*` wildcards) → allowed methods ("GET", ..., or "*" for all). */
  allowedUrls?: Record<string, string[]>;
}

export interface WebSocketPermission extends NetworkPermission {
  /** `ws://` or `wss://` URL patterns (with `*` wildcards). */
  allowedUrls?: string[];
}

export interface SubsonicApiPermission extends BasePermission {
  /** Users the plugin may call the Subsonic API as (compared without regard to case); absent: any user. */
  allowedUsernames?: string[];
  /** Default false: calls as an admin user are refused. */
  allowAdmins?: boolean;
}

/** Host services the plugin asks for; unknown keys are accepted and ignored. */
export interface Permissions {
  http?: HttpPermission;
  cache?: BasePermission;
  config?: BasePermission;
  scheduler?: BasePermission;
  websocket?: WebSocketPermission;
  artwork?: BasePermission;
  subsonicapi?: SubsonicApiPermission;
  [unknownPermission: string]: unknown;
}

/** The content of a plugin's manifest.json. `name` is the plugin's identity. */
export interface Manifest {
  /** Ignored; any JSON value (Navidrome ignores it too). */
  $schema?: unknown;
  name: string;
  author: string;
  version: string;
  description: string;
  website?: string;
  capabilities: CapabilityName[];
  permissions: Permissions;
}
