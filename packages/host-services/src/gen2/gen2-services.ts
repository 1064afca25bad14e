import type { PermissionsV2 } from "@nd/manifest";
import type { ArtworkService } from "../artwork/artwork-service.js";
import type { CacheService } from "../cache/cache-service.js";
import type { HostCallOptions } from "../host-call-options.js";
import type { KvStoreService } from "../kvstore/kvstore-service.js";
import type { Logger } from "../options.js";
import type { SchedulerService } from "../scheduler/scheduler-service.js";
import type { SubsonicApiService } from "../subsonicapi/subsonicapi-service.js";
import type { WebSocketService } from "../websocket/websocket-service.js";
import type { Gen2Http } from "./gen2-http.js";
import type { TaskQueueService } from "../taskqueue/taskqueue-service.js";
import type { JsonRequest } from "./json-request.js";
import type { PluginAccess } from "./plugin-access.js";
import type { LibrariesProvider, MatcherProvider, UsersProvider } from "./providers.js";

/**
 * What a generation-2 host function works with: the plugin's identity, grants and config, and
 * the services its permissions created (absent when not granted; a handler runs only when its
 * service is granted).
 */
export interface Gen2Services {
  readonly pluginId: string;
  readonly permissions: PermissionsV2;
  readonly access: PluginAccess;
  /** The plugin's flattened config map, keys as stored. */
  readonly config: ReadonlyMap<string, string>;
  readonly logger: Logger;
  readonly artwork?: ArtworkService;
  readonly cache?: CacheService;
  readonly http?: Gen2Http;
  readonly scheduler?: SchedulerService;
  readonly websocket?: WebSocketService;
  readonly subsonicapi?: SubsonicApiService;
  /** The embedding host's providers (undefined when it gave none). */
  readonly users?: UsersProvider;
  readonly libraries?: LibrariesProvider;
  readonly matcher?: MatcherProvider;
  readonly kvstore?: KvStoreService;
  readonly taskqueue?: TaskQueueService;
}

/**
 * One `extism:host/user` function: reads its request, runs the service, answers the success
 * fields (the envelope applies omitempty). A ServiceError (or any error of the service) becomes
 * `{"error": message}`.
 */
export type UserFunction = (services: Gen2Services, request: JsonRequest, options: HostCallOptions) => Promise<object>;
