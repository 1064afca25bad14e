import { ConfigurationError } from "../errors.js";

/** Navidrome's default kvstore quota: 1 MiB. */
export const DEFAULT_KVSTORE_MAX_BYTES = 1_048_576;

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  ki: 2 ** 10,
  kib: 2 ** 10,
  m: 1e6,
  mb: 1e6,
  mi: 2 ** 20,
  mib: 2 ** 20,
  g: 1e9,
  gb: 1e9,
  gi: 2 ** 30,
  gib: 2 ** 30,
  t: 1e12,
  tb: 1e12,
  ti: 2 ** 40,
  tib: 2 ** 40,
};

/**
 * The manifest's `kvstore.maxSize` in bytes, read as Navidrome does (SI units: "10KB" is 10 000
 * bytes, "1MiB" 1 048 576; case and a space before the unit do not matter). Absent or empty: 1 MiB.
 */
export function kvStoreMaxBytes(maxSize: string | undefined): number {
  if (maxSize === undefined || maxSize === "") return DEFAULT_KVSTORE_MAX_BYTES;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(maxSize);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new ConfigurationError(`kvstore maxSize "${maxSize}" is not a size such as "10KB" or "1MiB"`);
  }
  return Math.floor(Number(match[1]) * unit);
}
