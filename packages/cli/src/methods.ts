import { CAPABILITIES, CAPABILITY_NAMES, type CapabilityName } from "@nd/protocol";
import { usageError } from "./errors.js";

/** Splits "MetadataAgent.GetArtistMBID" into a known capability and method, or explains what exists. */
export function resolveMethod(target: string): { capability: CapabilityName; method: string } {
  const [capability, method, ...rest] = target.split(".");
  if (!capability || !method || rest.length > 0) {
    throw usageError(`expected Capability.Method, e.g. MetadataAgent.GetArtistMBID; got ${JSON.stringify(target)}`);
  }
  if (!(CAPABILITY_NAMES as string[]).includes(capability)) {
    throw usageError(`unknown capability ${JSON.stringify(capability)}; capabilities: ${CAPABILITY_NAMES.join(", ")}`);
  }
  const methods = CAPABILITIES[capability as CapabilityName].methods;
  if (!methods[method]) {
    throw usageError(`${capability} has no method ${JSON.stringify(method)}; methods: ${Object.keys(methods).join(", ")}`);
  }
  return { capability: capability as CapabilityName, method };
}

/**
 * Decodes a request in the protobuf JSON mapping. Unknown top-level fields are refused
 * rather than dropped, so a typo does not silently send an empty request.
 */
export function requestFromJson(capability: CapabilityName, method: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw usageError("the request must be a JSON object");
  const { requestType } = CAPABILITIES[capability].methods[method]!;
  const fields = Object.keys(requestType.create() as object);
  const known = new Set([...fields, ...fields.map(toProtoName)]);
  const unknown = Object.keys(value).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw usageError(`${capability}.${method} requests have no field ${unknown.map((key) => JSON.stringify(key)).join(", ")}; fields: ${fields.join(", ")}`);
  }
  try {
    return requestType.fromJSON(value);
  } catch (error) {
    throw usageError(`the request does not fit ${capability}.${method}: ${(error as Error).message}`);
  }
}

/** userId → user_id: the proto field name, which the JSON mapping also accepts. */
function toProtoName(jsonName: string): string {
  return jsonName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
