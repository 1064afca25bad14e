export type {
  BasePermission,
  CapabilityName,
  HttpPermission,
  Manifest,
  NetworkPermission,
  Permissions,
  WebSocketPermission,
} from "./types.js";
