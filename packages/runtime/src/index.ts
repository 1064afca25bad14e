export { PluginManager } from "./manager.js";
export { checkPluginModule, checkPluginModuleV2 } from "./loading/module-check.js";
export type { ModuleCaps } from "./loading/module-caps.js";
export type { PluginInfo, PluginManagerOptions, PluginState } from "./manager.js";
export type { Gen1PluginInfo, Gen2PluginInfo } from "./managing/plugin-records.js";
export type { PluginAccess } from "./managing/gen2-start.js";
export type { PluginLogLevel } from "./threads/worker/gen2/log-levels.js";
export { scrobblerErrorKind } from "./calling/gen2-clients.js";
export type {
  AnyMetadataAgentClient,
  AnyScrobblerClient,
  LyricsClient,
  PlaybackReportMethod,
  SimilarSongsMethods,
  SonicSimilarityClient,
} from "./calling/gen2-clients.js";
export type {
  ArtistRef as Gen2ArtistRef,
  LyricsRequest,
  LyricsResponse,
  LyricsText,
  PlaybackReportRequest,
  SimilarSongsByAlbumRequest,
  SimilarSongsByArtistRequest,
  SimilarSongsByTrackRequest,
  SimilarSongsResponse,
  ScrobblerErrorKind,
  SonicMatch,
  SonicMatchesResponse,
  SonicPathRequest,
  SonicSimilarTracksRequest,
  SongRef as Gen2SongRef,
  TrackInfo as Gen2TrackInfo,
} from "./calling/gen2-shapes.js";
export type {
  CapabilityClient,
  DeepPartial,
  LifecycleManagementClient,
  MetadataAgentClient,
  SchedulerCallbackClient,
  ScrobblerClient,
  WebSocketCallbackClient,
} from "./calling/capability-clients.js";
export {
  PermissionError,
  PluginBusyError,
  PluginCallError,
  PluginError,
  PluginLimitError,
  PluginLoadError,
  PluginMemoryError,
  PluginNotFoundError,
  PluginNotImplementedError,
  PluginTimeoutError,
  PluginTrapError,
  PluginUnavailableError,
} from "./errors.js";
export type { PluginErrorKind } from "./errors.js";
export type { Logger } from "./logger.js";
export type { CallObservation, CallResultKind, MethodMetrics } from "./calling/metrics.js";
export type { PoolStats } from "./threads/worker-pool.js";
