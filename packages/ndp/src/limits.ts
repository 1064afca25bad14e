import { isTextFile, type PackageFileName } from "./layout.js";

/** Bounds applied while reading a package. Every field is optional; see DEFAULT_NDP_LIMITS. */
export interface NdpLimits {
  /** Most entries the central directory may list. */
  maxEntries?: number;
  /** Most bytes all entries may inflate to, together. Counted while inflating. */
  maxTotalBytes?: number;
  /** Most bytes manifest.json, README.md or LICENSE may inflate to, each. */
  maxTextFileBytes?: number;
  /** Most an entry may grow when inflated (inflated bytes / compressed bytes). */
  maxCompressionRatio?: number;
}

export const DEFAULT_NDP_LIMITS: Readonly<Required<NdpLimits>> = Object.freeze({
  maxEntries: 16,
  maxTotalBytes: 64 * 1024 * 1024,
  maxTextFileBytes: 1024 * 1024,
  maxCompressionRatio: 100,
});

/**
 * Small entries may compress far beyond any sane ratio (a README of dashes), and are
 * harmless at that size, so the ratio is only enforced past this many inflated bytes.
 */
export const RATIO_GRACE_BYTES = 64 * 1024;

/** The most one package file may inflate to (the total bounds plugin.wasm). */
export function fileSizeLimit(name: PackageFileName, limits: Required<NdpLimits>): number {
  return isTextFile(name) ? Math.min(limits.maxTextFileBytes, limits.maxTotalBytes) : limits.maxTotalBytes;
}

export function resolveLimits(limits: NdpLimits = {}): Required<NdpLimits> {
  const resolved = { ...DEFAULT_NDP_LIMITS };
  for (const key of Object.keys(DEFAULT_NDP_LIMITS) as (keyof NdpLimits)[]) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`NdpLimits.${key} must be a positive number, got ${String(value)}`);
    }
    resolved[key] = value;
  }
  return resolved;
}
