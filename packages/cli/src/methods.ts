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
