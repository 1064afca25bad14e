export { createHostServices } from "./host-services.js";
export type {
  HostServices,
  PluginCallbacks,
  PluginDescription,
  PluginHostServices,
  TaskExecuteRequest,
} from "./host-services.js";
export type { PluginAccess } from "./gen2/plugin-access.js";
export type {
  ArtistRef,
  LibrariesProvider,
  LibraryInfo,
  MatcherProvider,
  MatchOptions,
  SongRef,
  Track,
  UserInfo,
  UsersProvider,
} from "./gen2/providers.js";
export type { BeforeFire, HostServicesOptions, Logger, WebSocketConnector } from "./options.js";
export type { HostCallOptions } from "./host-call-options.js";
export type { DnsLookup, ResolvedAddress } from "./network/dns.js";

export type { HttpService } from "./http/http-service.js";
export type { CacheService, CacheStats } from "./cache/cache-service.js";
export { recoverSharedCache } from "./shared-cache.js";
export type { SharedCacheHandle } from "./shared-cache.js";
export type { ConfigService } from "./config/config-service.js";
export { isReservedConfigKey, ownPluginConfig, pluginConfigAsSeen } from "./config/plugin-config.js";
export type { SchedulerService } from "./scheduler/scheduler-service.js";
export type { WebSocketService } from "./websocket/websocket-service.js";
export type { ArtworkService } from "./artwork/artwork-service.js";
export type {
  SubsonicApiHandler,
  SubsonicApiService,
  SubsonicRawResponse,
  SubsonicRequest,
  SubsonicUser,
} from "./subsonicapi/subsonicapi-service.js";

export { createArtworkToken, verifyArtworkToken } from "./artwork/artwork-token.js";
export type { ArtworkKind, ArtworkRef } from "./artwork/artwork-token.js";
export { localAddressCategory } from "./network/address-policy.js";

export type { StoreOptions, TaskOutcomeReport } from "./store/store-options.js";
export { createPluginStateAdmin } from "./store/plugin-state-admin.js";
export type { PluginStateAdmin, PluginStateStats } from "./store/plugin-state-admin.js";
export { resolveStoreOptions } from "./store/store-options.js";
export { createStoreBackend } from "./store/store-backend.js";
export type { StoreBackend } from "./store/store-backend.js";
export type { PluginStore } from "./store/plugin-store.js";
export { claimScheduleTick } from "./store/schedule-tick.js";
export type { KvStoreService } from "./kvstore/kvstore-service.js";
export type { TaskQueueService } from "./taskqueue/taskqueue-service.js";

export {
  ArtworkTokenError,
  ConfigurationError,
  HostCallError,
  HostServicesError,
  PermissionError,
  ServiceError,
  ServicesClosedError,
  StoreError,
} from "./errors.js";
export type { HostServicesErrorKind, StoreErrorReason } from "./errors.js";
