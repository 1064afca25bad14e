import {
  LifecycleManagementDefinition,
  MetadataAgentDefinition,
  SchedulerCallbackDefinition,
  ScrobblerDefinition,
  WebSocketCallbackDefinition,
} from "./gen/api/api.js";
import { ArtworkServiceDefinition } from "./gen/host/artwork/artwork.js";
import { CacheServiceDefinition } from "./gen/host/cache/cache.js";
import { ConfigServiceDefinition } from "./gen/host/config/config.js";
import { HttpServiceDefinition } from "./gen/host/http/http.js";
import { SchedulerServiceDefinition } from "./gen/host/scheduler/scheduler.js";
import { SubsonicAPIServiceDefinition } from "./gen/host/subsonicapi/subsonicapi.js";
import { WebSocketServiceDefinition } from "./gen/host/websocket/websocket.js";
import type { MethodDefinition, ServiceDefinition } from "./codec.js";
import { toSnakeCase } from "./naming.js";

/** The only API version of the wire contract; `<prefix>api_version` must return it. */
export const API_VERSION = 1;

/** Exports every plugin module has, besides its capability functions. */
export const PLUGIN_EXPORTS = {
  memory: "memory",
  malloc: "malloc",
  free: "free",
  /** Optional; called once right after instantiation. */
  initialize: "_initialize",
} as const;

/** The module plugins import host functions from. */
export const HOST_MODULE = "env";

/** `env` functions AssemblyScript modules may import; provided without any permission. */
export const ALWAYS_PROVIDED_IMPORTS = ["abort", "trace", "seed"] as const;

/** Errors a plugin returns to say "no answer" or "not supported"; any other text is a plugin error. */
export const STANDARD_ERRORS = {
  notFound: "plugin:not_found",
  notImplemented: "plugin:not_implemented",
} as const;

const CAPABILITY_DEFINITIONS = {
  MetadataAgent: MetadataAgentDefinition,
  Scrobbler: ScrobblerDefinition,
  SchedulerCallback: SchedulerCallbackDefinition,
  WebSocketCallback: WebSocketCallbackDefinition,
  LifecycleManagement: LifecycleManagementDefinition,
} as const;

/** A capability as named in a manifest's `capabilities` array (case-sensitive). */
export type CapabilityName = keyof typeof CAPABILITY_DEFINITIONS;

export const CAPABILITY_NAMES = Object.keys(CAPABILITY_DEFINITIONS) as CapabilityName[];

/** A plugin export implementing one capability method: `<prefix><method>`. */
export interface CapabilityMethod extends MethodDefinition {
  /** Method name as in the proto, e.g. "GetArtistBiography". */
  readonly name: string;
  /** Export name, e.g. "metadata_agent_get_artist_biography". */
  readonly exportName: string;
}

export interface Capability {
  readonly name: CapabilityName;
  /** e.g. "metadata_agent_" */
  readonly exportPrefix: string;
  /** e.g. "metadata_agent_api_version" */
  readonly apiVersionExport: string;
  readonly definition: ServiceDefinition;
  /** Keyed by proto method name, e.g. "GetArtistBiography". */
  readonly methods: Readonly<Record<string, CapabilityMethod>>;
}

function describeCapability(name: CapabilityName): Capability {
  const definition: ServiceDefinition = CAPABILITY_DEFINITIONS[name];
  const exportPrefix = `${toSnakeCase(name)}_`;
  const methods: Record<string, CapabilityMethod> = {};
  for (const method of Object.values(definition.methods)) {
    methods[method.name] = { ...method, exportName: exportPrefix + toSnakeCase(method.name) };
  }
  return { name, exportPrefix, apiVersionExport: `${exportPrefix}api_version`, definition, methods };
}

/** Every capability with its export names and message codecs. */
export const CAPABILITIES: Readonly<Record<CapabilityName, Capability>> = Object.fromEntries(
  CAPABILITY_NAMES.map((name) => [name, describeCapability(name)]),
) as Record<CapabilityName, Capability>;

const HOST_SERVICE_DEFINITIONS = {
  http: HttpServiceDefinition,
  cache: CacheServiceDefinition,
  config: ConfigServiceDefinition,
  scheduler: SchedulerServiceDefinition,
  websocket: WebSocketServiceDefinition,
  artwork: ArtworkServiceDefinition,
  subsonicapi: SubsonicAPIServiceDefinition,
} as const;

/** A manifest permission key that grants a host service. */
export type PermissionName = keyof typeof HOST_SERVICE_DEFINITIONS;

export const PERMISSION_NAMES = Object.keys(HOST_SERVICE_DEFINITIONS) as PermissionName[];

/** A host function a plugin imports as `env.<importName>`. */
export interface HostFunction extends MethodDefinition {
  readonly name: string;
  /** e.g. "get_string" */
  readonly importName: string;
  readonly permission: PermissionName;
  /** e.g. "CacheService" */
  readonly service: string;
}

export interface HostService {
  readonly permission: PermissionName;
  readonly name: string;
  readonly definition: ServiceDefinition;
  /** Keyed by import name, e.g. "get_string". */
  readonly functions: Readonly<Record<string, HostFunction>>;
}

function describeHostService(permission: PermissionName): HostService {
  const definition: ServiceDefinition = HOST_SERVICE_DEFINITIONS[permission];
  const functions: Record<string, HostFunction> = {};
  for (const method of Object.values(definition.methods)) {
    const importName = toSnakeCase(method.name);
    functions[importName] = { ...method, importName, permission, service: definition.name };
  }
  return { permission, name: definition.name, definition, functions };
}

/** Every host service, keyed by the permission that grants it. */
export const HOST_SERVICES: Readonly<Record<PermissionName, HostService>> = Object.fromEntries(
  PERMISSION_NAMES.map((permission) => [permission, describeHostService(permission)]),
) as Record<PermissionName, HostService>;

/** Finds the host function behind an `env` import name, whichever service it belongs to. */
export function findHostFunction(importName: string): HostFunction | undefined {
  for (const service of Object.values(HOST_SERVICES)) {
    const fn = service.functions[importName];
    if (fn) return fn;
  }
  return undefined;
}
