import type { api, artwork, cache, config, http, scheduler, websocket } from "@nd/protocol";

// Each message type is read off its generated codec, so it holds however the protocol's
// declaration files spell the type (its bundled namespaces carry the codecs, not always the interfaces).
type MessageOf<Codec> = Codec extends { decode(input: Uint8Array): infer Message } ? Message : never;

export type HttpRequest = MessageOf<typeof http.HttpRequest>;
export type HttpResponse = MessageOf<typeof http.HttpResponse>;

export type SetStringRequest = MessageOf<typeof cache.SetStringRequest>;
export type SetIntRequest = MessageOf<typeof cache.SetIntRequest>;
export type SetFloatRequest = MessageOf<typeof cache.SetFloatRequest>;
export type SetBytesRequest = MessageOf<typeof cache.SetBytesRequest>;
export type SetResponse = MessageOf<typeof cache.SetResponse>;
export type GetRequest = MessageOf<typeof cache.GetRequest>;
export type GetStringResponse = MessageOf<typeof cache.GetStringResponse>;
export type GetIntResponse = MessageOf<typeof cache.GetIntResponse>;
export type GetFloatResponse = MessageOf<typeof cache.GetFloatResponse>;
export type GetBytesResponse = MessageOf<typeof cache.GetBytesResponse>;
export type RemoveRequest = MessageOf<typeof cache.RemoveRequest>;
export type RemoveResponse = MessageOf<typeof cache.RemoveResponse>;
export type HasRequest = MessageOf<typeof cache.HasRequest>;
export type HasResponse = MessageOf<typeof cache.HasResponse>;

export type GetConfigRequest = MessageOf<typeof config.GetConfigRequest>;
export type GetConfigResponse = MessageOf<typeof config.GetConfigResponse>;

export type ScheduleOneTimeRequest = MessageOf<typeof scheduler.ScheduleOneTimeRequest>;
export type ScheduleRecurringRequest = MessageOf<typeof scheduler.ScheduleRecurringRequest>;
export type ScheduleResponse = MessageOf<typeof scheduler.ScheduleResponse>;
export type CancelRequest = MessageOf<typeof scheduler.CancelRequest>;
export type CancelResponse = MessageOf<typeof scheduler.CancelResponse>;

export type ConnectRequest = MessageOf<typeof websocket.ConnectRequest>;
export type ConnectResponse = MessageOf<typeof websocket.ConnectResponse>;
export type SendTextRequest = MessageOf<typeof websocket.SendTextRequest>;
export type SendTextResponse = MessageOf<typeof websocket.SendTextResponse>;
export type SendBinaryRequest = MessageOf<typeof websocket.SendBinaryRequest>;
export type SendBinaryResponse = MessageOf<typeof websocket.SendBinaryResponse>;
export type CloseRequest = MessageOf<typeof websocket.CloseRequest>;
export type CloseResponse = MessageOf<typeof websocket.CloseResponse>;

export type GetArtworkUrlRequest = MessageOf<typeof artwork.GetArtworkUrlRequest>;
export type GetArtworkUrlResponse = MessageOf<typeof artwork.GetArtworkUrlResponse>;

export type SchedulerCallbackRequest = MessageOf<typeof api.SchedulerCallbackRequest>;
export type OnTextMessageRequest = MessageOf<typeof api.OnTextMessageRequest>;
export type OnBinaryMessageRequest = MessageOf<typeof api.OnBinaryMessageRequest>;
export type OnErrorRequest = MessageOf<typeof api.OnErrorRequest>;
export type OnCloseRequest = MessageOf<typeof api.OnCloseRequest>;
