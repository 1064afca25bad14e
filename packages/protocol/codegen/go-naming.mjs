// Names the Go generator derives from proto names.

/** "GetArtistMBID" → "get_artist_mbid", the rule of the export and import names. */
export function snakeCase(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** Proto field name → exported Go field name, as protoc-gen-go: "timeout_ms" → "TimeoutMs". */
export function goFieldName(protoName) {
  return protoName
    .split("_")
    .filter((part) => part !== "")
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");
}

/** Capability service name → its Go package: "MetadataAgent" → "metadataagent". */
export function capabilityPackage(serviceName) {
  return serviceName.toLowerCase();
}

/** Method name → the unexported Go function behind its import or export: "GetString" → "hostGetString". */
export function prefixed(prefix, methodName) {
  return prefix + methodName[0].toUpperCase() + methodName.slice(1);
}
