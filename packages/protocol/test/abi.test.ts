// The ABI tables checked against literal copies of the wire contract (docs/architecture.md), so a
// change to the protos or to the naming rules that breaks the contract fails here.
import { describe, expect, test } from "vitest";
import {
  ALWAYS_PROVIDED_IMPORTS,
  API_VERSION,
  CAPABILITIES,
  CAPABILITY_NAMES,
  HOST_MODULE,
  HOST_SERVICES,
  PERMISSION_NAMES,
  PLUGIN_EXPORTS,
  STANDARD_ERRORS,
  api,
  artwork,
  cache,
  config,
  findHostFunction,
  http,
  scheduler,
  subsonicapi,
  websocket,
} from "../src/index.js";
import type { MessageCodec } from "../src/index.js";

type Codecs = readonly [request: MessageCodec<any>, response: MessageCodec<any>];

interface CapabilityRow {
  capability: string;
  exportPrefix: string;
  apiVersionExport: string;
  exports: Record<string, Codecs>;
}

const capabilityTable: CapabilityRow[] = [
  {
    capability: "MetadataAgent",
    exportPrefix: "metadata_agent_",
    apiVersionExport: "metadata_agent_api_version",
    exports: {
      metadata_agent_get_artist_mbid: [api.ArtistMBIDRequest, api.ArtistMBIDResponse],
      metadata_agent_get_artist_url: [api.ArtistURLRequest, api.ArtistURLResponse],
      metadata_agent_get_artist_biography: [api.ArtistBiographyRequest, api.ArtistBiographyResponse],
      metadata_agent_get_similar_artists: [api.ArtistSimilarRequest, api.ArtistSimilarResponse],
      metadata_agent_get_artist_images: [api.ArtistImageRequest, api.ArtistImageResponse],
      metadata_agent_get_artist_top_songs: [api.ArtistTopSongsRequest, api.ArtistTopSongsResponse],
      metadata_agent_get_album_info: [api.AlbumInfoRequest, api.AlbumInfoResponse],
      metadata_agent_get_album_images: [api.AlbumImagesRequest, api.AlbumImagesResponse],
    },
  },
  {
    capability: "Scrobbler",
    exportPrefix: "scrobbler_",
    apiVersionExport: "scrobbler_api_version",
    exports: {
      scrobbler_is_authorized: [api.ScrobblerIsAuthorizedRequest, api.ScrobblerIsAuthorizedResponse],
      scrobbler_now_playing: [api.ScrobblerNowPlayingRequest, api.ScrobblerNowPlayingResponse],
      scrobbler_scrobble: [api.ScrobblerScrobbleRequest, api.ScrobblerScrobbleResponse],
    },
  },
  {
    capability: "SchedulerCallback",
    exportPrefix: "scheduler_callback_",
    apiVersionExport: "scheduler_callback_api_version",
    exports: {
      scheduler_callback_on_scheduler_callback: [api.SchedulerCallbackRequest, api.SchedulerCallbackResponse],
    },
  },
  {
    capability: "LifecycleManagement",
    exportPrefix: "lifecycle_management_",
    apiVersionExport: "lifecycle_management_api_version",
    exports: {
      lifecycle_management_on_init: [api.InitRequest, api.InitResponse],
    },
  },
  {
    capability: "WebSocketCallback",
    exportPrefix: "web_socket_callback_",
    apiVersionExport: "web_socket_callback_api_version",
    exports: {
      web_socket_callback_on_text_message: [api.OnTextMessageRequest, api.OnTextMessageResponse],
      web_socket_callback_on_binary_message: [api.OnBinaryMessageRequest, api.OnBinaryMessageResponse],
      web_socket_callback_on_error: [api.OnErrorRequest, api.OnErrorResponse],
      web_socket_callback_on_close: [api.OnCloseRequest, api.OnCloseResponse],
    },
  },
];

interface HostServiceRow {
  permission: string;
  service: string;
  imports: Record<string, Codecs>;
}

const httpCall: Codecs = [http.HttpRequest, http.HttpResponse];
const artworkCall: Codecs = [artwork.GetArtworkUrlRequest, artwork.GetArtworkUrlResponse];
const configCall: Codecs = [config.GetConfigRequest, config.GetConfigResponse];

const hostServiceTable: HostServiceRow[] = [
  {
    permission: "http",
    service: "HttpService",
    imports: {
      get: httpCall,
      post: httpCall,
      put: httpCall,
      delete: httpCall,
      patch: httpCall,
      head: httpCall,
      options: httpCall,
    },
  },
  {
    permission: "cache",
    service: "CacheService",
    imports: {
      set_string: [cache.SetStringRequest, cache.SetResponse],
      get_string: [cache.GetRequest, cache.GetStringResponse],
      set_int: [cache.SetIntRequest, cache.SetResponse],
      get_int: [cache.GetRequest, cache.GetIntResponse],
      set_float: [cache.SetFloatRequest, cache.SetResponse],
      get_float: [cache.GetRequest, cache.GetFloatResponse],
      set_bytes: [cache.SetBytesRequest, cache.SetResponse],
      get_bytes: [cache.GetRequest, cache.GetBytesResponse],
      remove: [cache.RemoveRequest, cache.RemoveResponse],
      has: [cache.HasRequest, cache.HasResponse],
    },
  },
  {
    permission: "config",
    service: "ConfigService",
    // get_plugin_config is the older name of get_config: same request, same answer.
    imports: { get_config: configCall, get_plugin_config: configCall },
  },
  {
    permission: "scheduler",
    service: "SchedulerService",
    imports: {
      schedule_one_time: [scheduler.ScheduleOneTimeRequest, scheduler.ScheduleResponse],
      schedule_recurring: [scheduler.ScheduleRecurringRequest, scheduler.ScheduleResponse],
      cancel_schedule: [scheduler.CancelRequest, scheduler.CancelResponse],
    },
  },
  {
    permission: "websocket",
    service: "WebSocketService",
    imports: {
      connect: [websocket.ConnectRequest, websocket.ConnectResponse],
      send_text: [websocket.SendTextRequest, websocket.SendTextResponse],
      send_binary: [websocket.SendBinaryRequest, websocket.SendBinaryResponse],
      close: [websocket.CloseRequest, websocket.CloseResponse],
    },
  },
  {
    permission: "artwork",
    service: "ArtworkService",
    imports: { get_artist_url: artworkCall, get_album_url: artworkCall, get_track_url: artworkCall },
  },
  {
    permission: "subsonicapi",
    service: "SubsonicAPIService",
    imports: { call: [subsonicapi.CallRequest, subsonicapi.CallResponse] },
  },
];

describe("capabilities", () => {
  test("are exactly the five of the contract", () => {
    expect([...CAPABILITY_NAMES].sort()).toEqual(capabilityTable.map((row) => row.capability).sort());
  });

  test.each(capabilityTable)("$capability", ({ capability, exportPrefix, apiVersionExport, exports }) => {
    const described = CAPABILITIES[capability as keyof typeof CAPABILITIES];
    expect(described.name).toBe(capability);
    expect(described.exportPrefix).toBe(exportPrefix);
    expect(described.apiVersionExport).toBe(apiVersionExport);

    const methods = Object.values(described.methods);
    expect(methods.map((method) => method.exportName).sort()).toEqual(Object.keys(exports).sort());
    for (const method of methods) {
      const [request, response] = exports[method.exportName]!;
      expect(described.methods[method.name], method.name).toBe(method);
      expect(method.requestType, `${method.exportName} request`).toBe(request);
      expect(method.responseType, `${method.exportName} response`).toBe(response);
    }
  });
});

describe("host services", () => {
  test("are exactly the six permissions of the contract", () => {
    expect([...PERMISSION_NAMES].sort()).toEqual(hostServiceTable.map((row) => row.permission).sort());
  });

  test.each(hostServiceTable)("$permission grants $service", ({ permission, service, imports }) => {
    const described = HOST_SERVICES[permission as keyof typeof HOST_SERVICES];
    expect(described.permission).toBe(permission);
    expect(described.name).toBe(service);
    expect(Object.keys(described.functions).sort()).toEqual(Object.keys(imports).sort());

    for (const [importName, [request, response]] of Object.entries(imports)) {
      const fn = described.functions[importName]!;
      expect(fn.importName).toBe(importName);
      expect(fn.permission).toBe(permission);
      expect(fn.service).toBe(service);
      expect(fn.requestType, `${importName} request`).toBe(request);
      expect(fn.responseType, `${importName} response`).toBe(response);
      expect(findHostFunction(importName)).toBe(fn);
    }
  });

  test("no import name belongs to two services, so an import alone tells the permission", () => {
    const importNames = hostServiceTable.flatMap((row) => Object.keys(row.imports));
    expect(new Set(importNames).size).toBe(importNames.length);
  });

  test("an unknown or always-provided import is no host service function", () => {
    expect(findHostFunction("get_configuration")).toBeUndefined();
    expect(findHostFunction("abort")).toBeUndefined();
    expect(findHostFunction("")).toBeUndefined();
  });
});

test("module-level facts", () => {
  expect(API_VERSION).toBe(1);
  expect(HOST_MODULE).toBe("env");
  expect(PLUGIN_EXPORTS).toEqual({ memory: "memory", malloc: "malloc", free: "free", initialize: "_initialize" });
  expect([...ALWAYS_PROVIDED_IMPORTS].sort()).toEqual(["abort", "seed", "trace"]);
  expect(STANDARD_ERRORS).toEqual({ notFound: "plugin:not_found", notImplemented: "plugin:not_implemented" });
});
