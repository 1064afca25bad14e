export { NdpError, type NdpErrorKind } from "./errors.js";
export { extractNdp, type ExtractOptions } from "./extract.js";
export type { PackageFileName } from "./layout.js";
export { DEFAULT_NDP_LIMITS, type NdpLimits } from "./limits.js";
export { readNdp, type NdpFile, type NdpPackage } from "./read.js";
export { writeNdp, type NdpSource } from "./write.js";
