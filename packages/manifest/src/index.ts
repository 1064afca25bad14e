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
export type { ValidationResultV2 } from "./validate-v2.js";
export { ManifestError } from "./errors.js";
export { manifestSchema } from "./schema.js";
export { validateManifest } from "./validate.js";
export { MAX_MANIFEST_LENGTH, parseManifest, parseManifestWithWarnings } from "./parse.js";
export { pluginFolderName } from "./folder-name.js";
export { manifestSchemaV2 } from "./schema-v2.js";
export { parseManifestV2, parseManifestV2WithWarnings, validateManifestV2 } from "./validate-v2.js";
export { validateManifestV2Exports } from "./exports-v2.js";
export { pluginConfigWarnings, validatePluginConfig } from "./plugin-config.js";
export { DEFAULT_KVSTORE_MAX_SIZE, kvStoreMaxSize, parseByteSize } from "./byte-size.js";
export { MAX_PLUGIN_ID_LENGTH, pluginIdProblem } from "./plugin-id.js";
