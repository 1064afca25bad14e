import { CAPABILITIES, CAPABILITY_NAMES, type CapabilityName } from "@nd/protocol";
import { usageError } from "./errors.js";
import { checkRequestShape } from "./request-shape.js";

/** Splits "MetadataAgent.GetArtistMBID" into a known capability and method, or explains what exists. */
export function resolveMethod(target: string): { capability: CapabilityName; method: string } {
  const [capability, method, ...rest] = target.split(".");
  if (!capability || !method || rest.length > 0) {
    throw usageError(`expected Capability.Method, e.g. MetadataAgent.GetArtistMBID; got ${JSON.stringify(target)}`);
  }
  // Own keys only: "constructor" or "__proto__" must not find Object.prototype's members.
  if (!(CAPABILITY_NAMES as string[]).includes(capability)) {
    throw usageError(`unknown capability ${JSON.stringify(capability)}; capabilities: ${CAPABILITY_NAMES.join(", ")}`);
  }
  const methods = CAPABILITIES[capability as CapabilityName].methods;
  if (!Object.hasOwn(methods, method)) {
    throw usageError(`${capability} has no method ${JSON.stringify(method)}; methods: ${Object.keys(methods).join(", ")}`);
  }
  return { capability: capability as CapabilityName, method };
}

/**
 * Decodes a request in the protobuf JSON mapping. Unknown fields are refused rather than
 * dropped, so a typo does not silently send an empty request, and a field of the wrong
 * type is refused rather than coerced.
 */
export function requestFromJson(capability: CapabilityName, method: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw usageError("the request must be a JSON object");
  const { requestType } = CAPABILITIES[capability].methods[method]!;
  checkRequestShape(requestType, value as Record<string, unknown>);
  try {
    return requestType.fromJSON(value);
  } catch (error) {
    throw usageError(`the request does not fit ${capability}.${method}: ${(error as Error).message}`);
  }
}
