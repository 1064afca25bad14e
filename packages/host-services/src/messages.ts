import type { api, artwork, cache, config, http, scheduler, subsonicapi, websocket } from "@nd/protocol";

// Short names for the protocol messages the services take and return.

export type HttpRequest = http.HttpRequest;
export type HttpResponse = http.HttpResponse;

export type SetStringRequest = cache.SetStringRequest;
export type SetIntRequest = cache.SetIntRequest;
export type SetFloatRequest = cache.SetFloatRequest;
export type SetBytesRequest = cache.SetBytesRequest;
export type SetResponse = cache.SetResponse;
export type GetRequest = cache.GetRequest;
export type GetStringResponse = cache.GetStringResponse;
export type GetIntResponse = cache.GetIntResponse;
export type GetFloatResponse = cache.GetFloatResponse;
export type GetBytesResponse = cache.GetBytesResponse;
export type RemoveRequest = cache.RemoveRequest;
export type RemoveResponse = cache.RemoveResponse;
export type HasRequest = cache.HasRequest;
export type HasResponse = cache.HasResponse;

export type GetConfigRequest = config.GetConfigRequest;
export type GetConfigResponse = config.GetConfigResponse;

export type ScheduleOneTimeRequest = scheduler.ScheduleOneTimeRequest;
export type ScheduleRecurringRequest = scheduler.ScheduleRecurringRequest;
export type ScheduleResponse = scheduler.ScheduleResponse;
export type CancelRequest = scheduler.CancelRequest;
export type CancelResponse = scheduler.CancelResponse;

export type ConnectRequest = websocket.ConnectRequest;
export type ConnectResponse = websocket.ConnectResponse;
export type SendTextRequest = websocket.SendTextRequest;
export type SendTextResponse = websocket.SendTextResponse;
export type SendBinaryRequest = websocket.SendBinaryRequest;
export type SendBinaryResponse = websocket.SendBinaryResponse;
export type CloseRequest = websocket.CloseRequest;
export type CloseResponse = websocket.CloseResponse;

export type GetArtworkUrlRequest = artwork.GetArtworkUrlRequest;
export type GetArtworkUrlResponse = artwork.GetArtworkUrlResponse;

export type CallRequest = subsonicapi.CallRequest;
export type CallResponse = subsonicapi.CallResponse;

export type SchedulerCallbackRequest = api.SchedulerCallbackRequest;
export type OnTextMessageRequest = api.OnTextMessageRequest;
export type OnBinaryMessageRequest = api.OnBinaryMessageRequest;
export type OnErrorRequest = api.OnErrorRequest;
export type OnCloseRequest = api.OnCloseRequest;
