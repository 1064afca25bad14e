import { quote } from "./describe-value.js";
import { ManifestError } from "./errors.js";
import type { ManifestV2 } from "./types-v2.js";

/** kvstore's limit when the manifest gives none: 1 MiB. */
export const DEFAULT_KVSTORE_MAX_SIZE = 1_048_576;

/** Unit (lowercased, with or without a trailing "b") → bytes, as go-humanize reads sizes. */
const UNITS: Readonly<Record<string, number>> = {
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
  p: 1e15,
  pb: 1e15,
  pi: 2 ** 50,
  pib: 2 ** 50,
  e: 1e18,
  eb: 1e18,
  ei: 2 ** 60,
  eib: 2 ** 60,
};

const LEADING_NUMBER = /^[0-9.,]*/;

/**
 * Reads a size the way Navidrome does (go-humanize's ParseBytes): a number (commas ignored,
 * a fraction allowed) right at the start, then an optional SI or IEC unit, case-insensitive,
 * spaces around it allowed: "10KB" = 10 000, "1MiB" = 1 048 576, "1.5 mb" = 1 500 000.
 * Answers undefined for text it cannot read (or 2^64 bytes and more), and the bytes rounded
 * down otherwise, at most Number.MAX_SAFE_INTEGER (far beyond any store).
 */
export function parseByteSize(text: string): number | undefined {
  const number = LEADING_NUMBER.exec(text)?.[0] ?? "";
  const digits = number.replaceAll(",", "");
  if (!/^(\d+\.?\d*|\.\d+)$/.test(digits)) return undefined;
  const unit = UNITS[text.slice(number.length).trim().toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(digits) * unit);
  if (!Number.isFinite(bytes) || bytes >= 2 ** 64) return undefined;
  return Math.min(bytes, Number.MAX_SAFE_INTEGER);
}

/**
 * The kvstore limit of a generation-2 plugin, in bytes: `permissions.kvstore.maxSize`, or 1 MiB
 * when absent or empty. Throws a ManifestError for text that is not a size (Navidrome then fails
 * to load the plugin).
 */
export function kvStoreMaxSize(manifest: Pick<ManifestV2, "permissions">): number {
  const maxSize = manifest.permissions?.kvstore?.maxSize;
  if (maxSize === undefined || maxSize === "") return DEFAULT_KVSTORE_MAX_SIZE;
  const bytes = parseByteSize(maxSize);
  if (bytes !== undefined) return bytes;
  const message = maxSizeMessage(maxSize);
  throw new ManifestError(message, [{ path: "/permissions/kvstore/maxSize", message }]);
}

export function maxSizeMessage(maxSize: string): string {
  return (
    `permissions.kvstore.maxSize must be a size such as "10KB" (10 000 bytes) or "1MiB" ` +
    `(1 048 576 bytes); got ${quote(maxSize)}`
  );
}
