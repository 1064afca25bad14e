// The AssemblyScript SDK for generation-2 plugins (Extism ABI, JSON): the shapes, the
// capability base classes and their register functions, Result, configuration and logs.
// The nd_* exports live in "@nd/protocol/assembly/gen2/exports/<capability>", the host
// services in "@nd/protocol/assembly/gen2/host/<service>".
import { Result } from "../result";
import { Empty } from "./gen/types";

export { Result };
export { NOT_IMPLEMENTED } from "../errors";
export { SCROBBLER_NOT_AUTHORIZED, SCROBBLER_RETRY_LATER, SCROBBLER_UNRECOVERABLE } from "./errors";
export * from "./gen/types";
export * from "./gen/capabilities/lifecycle";
export * from "./gen/capabilities/lyrics";
export * from "./gen/capabilities/metadata_agent";
export * from "./gen/capabilities/scheduler_callback";
export * from "./gen/capabilities/scrobbler";
export * from "./gen/capabilities/sonic_similarity";
export * from "./gen/capabilities/task_worker";
export * from "./gen/capabilities/websocket_callback";
export { configValue, log, LogLevel } from "./kernel";
export { ExtismHttpResponse, extismHttpRequest } from "./http";
export { JsonKind, JsonValue, parseJson } from "./json/value";
export { JsonWriter } from "./json/writer";
export { decodeBase64, encodeBase64 } from "./base64";
export { abortCall } from "./abort";

/** The success of a method that answers nothing (a scrobble, a callback, nd_on_init). */
export function done(): Result<Empty> {
  return Result.ok<Empty>(new Empty());
}
