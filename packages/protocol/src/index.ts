export * as api from "./gen/api/api.js";
export * as artwork from "./gen/host/artwork/artwork.js";
export * as cache from "./gen/host/cache/cache.js";
export * as config from "./gen/host/config/config.js";
export * as http from "./gen/host/http/http.js";
export * as scheduler from "./gen/host/scheduler/scheduler.js";
export * as subsonicapi from "./gen/host/subsonicapi/subsonicapi.js";
export * as websocket from "./gen/host/websocket/websocket.js";

export {
  ALWAYS_PROVIDED_IMPORTS,
  API_VERSION,
  CAPABILITIES,
  CAPABILITY_NAMES,
  HOST_MODULE,
  HOST_SERVICES,
  PERMISSION_NAMES,
  PLUGIN_EXPORTS,
  STANDARD_ERRORS,
  findHostFunction,
} from "./abi.js";
export type {
  Capability,
  CapabilityMethod,
  CapabilityName,
  HostFunction,
  HostService,
  PermissionName,
} from "./abi.js";
export { encodeMessage } from "./codec.js";
export type { MessageCodec, MethodDefinition, ServiceDefinition } from "./codec.js";
export { toSnakeCase } from "./naming.js";
export { ERROR_BIT, packPtrLen, unpackPtrLen } from "./ptrlen.js";
export type { PtrLen } from "./ptrlen.js";
export { DecodeLimitError, decodeBounded } from "./bounded-decode.js";
export type { DecodeLimits } from "./bounded-decode.js";
export * as gen2 from "./gen2/index.js";
