export { NdpError, type NdpErrorKind } from "./errors.js";
export { extractNdp, type ExtractOptions } from "./extract.js";
export type { PackageFileName } from "./layout.js";
export { DEFAULT_NDP_LIMITS, type NdpLimits } from "./limits.js";
export { moduleGeneration, type PluginGeneration } from "./module-generation.js";
export { readAnyNdp, readNdp, type AnyNdpPackage, type NdpFile, type NdpPackage, type NdpPackageV2 } from "./read.js";
export { writeNdp, type NdpSource } from "./write.js";
