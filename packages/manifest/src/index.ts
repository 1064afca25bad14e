export type {
  BasePermission,
  CapabilityName,
  HttpPermission,
  Manifest,
  NetworkPermission,
  Permissions,
  SubsonicApiPermission,
  WebSocketPermission,
} from "./types.js";
export type {
  KvStorePermission,
  LibraryPermission,
  ManifestV2,
  PermissionsV2,
  PluginConfigForm,
  RequiredHostsPermission,
  TaskQueuePermission,
} from "./types-v2.js";
export type { ManifestProblem } from "./problem.js";
export type { ValidationResult } from "./validate.js";
export { ManifestError } from "./errors.js";
export { manifestSchema } from "./schema.js";
export { validateManifest } from "./validate.js";
export { MAX_MANIFEST_LENGTH, parseManifest, parseManifestWithWarnings } from "./parse.js";
export { pluginFolderName } from "./folder-name.js";
