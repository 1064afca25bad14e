// Generation 2 (Navidrome v0.60 and later): Extism's host ABI with JSON messages.
// Every export a host calls is `() -> i32`; input, output and errors travel through the
// kernel functions of `extism:host/env`; host services are `extism:host/user` functions
// `(i64) -> i64` taking and answering a JSON block.

/** The Extism kernel: memory blocks, input/output, errors, config, vars, logs, HTTP. */
export const KERNEL_MODULE = "extism:host/env";

/** The module Navidrome's host services are imported from. */
export const USER_MODULE = "extism:host/user";

/** Kernel functions a host provides, with their wasm signatures. */
export const KERNEL_FUNCTIONS = {
  alloc: "(i64) -> i64",
  free: "(i64) -> ()",
  length: "(i64) -> i64",
  length_unsafe: "(i64) -> i64",
  load_u8: "(i64) -> i32",
  load_u64: "(i64) -> i64",
  store_u8: "(i64, i32) -> ()",
  store_u64: "(i64, i64) -> ()",
  input_length: "() -> i64",
  input_load_u8: "(i64) -> i32",
  input_load_u64: "(i64) -> i64",
  input_offset: "() -> i64",
  output_set: "(i64, i64) -> ()",
  error_set: "(i64) -> ()",
  error_get: "() -> i64",
  config_get: "(i64) -> i64",
  var_get: "(i64) -> i64",
  var_set: "(i64, i64) -> ()",
  http_request: "(i64, i64) -> i64",
  http_status_code: "() -> i32",
  http_headers: "() -> i64",
  log_trace: "(i64) -> ()",
  log_debug: "(i64) -> ()",
  log_info: "(i64) -> ()",
  log_warn: "(i64) -> ()",
  log_error: "(i64) -> ()",
  get_log_level: "() -> i32",
} as const;

export type KernelFunctionName = keyof typeof KERNEL_FUNCTIONS;

/** Return codes of an export: 0 success, -2 (0xFFFFFFFE) "not implemented"; any other is a failure. */
export const RETURN_CODES = { ok: 0, notImplemented: -2 } as const;

/** Runs once on each fresh instance before its export, when exported (the first that exists). */
export const INITIALIZERS = ["_initialize", "__wasm_call_ctors"] as const;

/** Capabilities, as Navidrome v0.63 names them, with the method → export table of each. */
export const CAPABILITIES = {
  MetadataAgent: {
    getArtistMBID: "nd_get_artist_mbid",
    getArtistURL: "nd_get_artist_url",
    getArtistBiography: "nd_get_artist_biography",
    getSimilarArtists: "nd_get_similar_artists",
    getArtistImages: "nd_get_artist_images",
    getArtistTopSongs: "nd_get_artist_top_songs",
    getAlbumInfo: "nd_get_album_info",
    getAlbumImages: "nd_get_album_images",
    getSimilarSongsByTrack: "nd_get_similar_songs_by_track",
    getSimilarSongsByAlbum: "nd_get_similar_songs_by_album",
    getSimilarSongsByArtist: "nd_get_similar_songs_by_artist",
  },
  Scrobbler: {
    isAuthorized: "nd_scrobbler_is_authorized",
    nowPlaying: "nd_scrobbler_now_playing",
    scrobble: "nd_scrobbler_scrobble",
    playbackReport: "nd_scrobbler_playback_report",
  },
  Lyrics: { getLyrics: "nd_lyrics_get_lyrics" },
  SonicSimilarity: {
    getSonicSimilarTracks: "nd_get_sonic_similar_tracks",
    findSonicPath: "nd_find_sonic_path",
  },
  TaskWorker: { execute: "nd_task_execute" },
  Lifecycle: { onInit: "nd_on_init" },
  Scheduler: { callback: "nd_scheduler_callback" },
  WebSocket: {
    onTextMessage: "nd_websocket_on_text_message",
    onBinaryMessage: "nd_websocket_on_binary_message",
    onError: "nd_websocket_on_error",
    onClose: "nd_websocket_on_close",
  },
} as const satisfies Record<string, Record<string, `nd_${string}`>>;

export type CapabilityName = keyof typeof CAPABILITIES;

export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as CapabilityName[];

/** The capabilities a module has: each one of whose exports it exports (any one is enough). */
export function detectCapabilities(exportNames: Iterable<string>): CapabilityName[] {
  const exported = new Set(exportNames);
  return CAPABILITY_NAMES.filter((name) => Object.values(CAPABILITIES[name]).some((e) => exported.has(e)));
}

/** Manifest permission keys of generation 2. `config` needs none: it is always linked. */
export const PERMISSION_NAMES = [
  "http",
  "websocket",
  "subsonicapi",
  "scheduler",
  "artwork",
  "cache",
  "library",
  "kvstore",
  "users",
  "taskqueue",
  "matcher",
] as const;

export type PermissionName = (typeof PERMISSION_NAMES)[number];

/** Host functions by service: `extism:host/user` import names, lower-case `<service>_<method>`. */
export const HOST_SERVICES = {
  config: { permission: null, functions: ["config_get", "config_getint", "config_keys"] },
  artwork: {
    permission: "artwork",
    functions: ["artwork_getartisturl", "artwork_getalbumurl", "artwork_gettrackurl", "artwork_getplaylisturl"],
  },
  cache: {
    permission: "cache",
    functions: [
      "cache_setstring",
      "cache_getstring",
      "cache_setint",
      "cache_getint",
      "cache_setfloat",
      "cache_getfloat",
      "cache_setbytes",
      "cache_getbytes",
      "cache_has",
      "cache_remove",
    ],
  },
  http: { permission: "http", functions: ["http_send"] },
  kvstore: {
    permission: "kvstore",
    functions: [
      "kvstore_set",
      "kvstore_setwithttl",
      "kvstore_get",
      "kvstore_getmany",
      "kvstore_has",
      "kvstore_list",
      "kvstore_delete",
      "kvstore_deletebyprefix",
      "kvstore_getstorageused",
    ],
  },
  library: { permission: "library", functions: ["library_getlibrary", "library_getalllibraries"] },
  matcher: { permission: "matcher", functions: ["matcher_matchsongs"] },
  scheduler: {
    permission: "scheduler",
    functions: ["scheduler_scheduleonetime", "scheduler_schedulerecurring", "scheduler_cancelschedule"],
  },
  subsonicapi: { permission: "subsonicapi", functions: ["subsonicapi_call", "subsonicapi_callraw"] },
  task: {
    permission: "taskqueue",
    functions: ["task_createqueue", "task_enqueue", "task_get", "task_cancel", "task_clearqueue"],
  },
  users: { permission: "users", functions: ["users_getusers", "users_getadmins"] },
  websocket: {
    permission: "websocket",
    functions: ["websocket_connect", "websocket_sendtext", "websocket_sendbinary", "websocket_closeconnection"],
  },
} as const satisfies Record<string, { permission: PermissionName | null; functions: readonly string[] }>;

export type HostServiceName = keyof typeof HOST_SERVICES;

/** A host function a generation-2 plugin imports from `extism:host/user`. */
export interface HostFunction {
  /** e.g. "cache_getstring" */
  readonly importName: string;
  /** e.g. "cache" */
  readonly service: HostServiceName;
  /** The permission that links it, or null for config (always linked). */
  readonly permission: PermissionName | null;
}

/** Finds the host function behind an `extism:host/user` import name. */
export function findHostFunction(importName: string): HostFunction | undefined {
  for (const [service, { permission, functions }] of Object.entries(HOST_SERVICES)) {
    if ((functions as readonly string[]).includes(importName)) {
      return { importName, service: service as HostServiceName, permission };
    }
  }
  return undefined;
}

/**
 * Not a Navidrome function: the name under which a runtime forwards the kernel's
 * `http_request` to the host services (request `{url, method, headers, body?: base64}`,
 * answer `{statusCode, headers, body?: base64}`; a refused or failed request fails the host
 * call, which traps the plugin as Extism does), checked by the http permission's
 * `requiredHosts` like `http_send`.
 */
export const KERNEL_HTTP_REQUEST = "extism_http_request";
