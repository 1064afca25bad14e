/** Bit 31 of the low word: the bytes are a UTF-8 error string, not a message. */
export const ERROR_BIT = 0x8000_0000;

const U32_MAX = 0xffff_ffff;

/** A decoded `ptr << 32 | len` result of a plugin or host call. */
export interface PtrLen {
  readonly ptr: number;
  readonly len: number;
  /** True when the bytes hold an error string rather than a protobuf message. */
  readonly isError: boolean;
}

function assertU32(value: number, what: string, max = U32_MAX): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${what} must be an integer from 0 to ${max}, got ${value}`);
  }
}

/**
 * Packs a pointer and a length into the i64 that crosses the boundary.
 * The length may not use bit 31 unless `isError` marks the bytes as an error string.
 */
export function packPtrLen(ptr: number, len: number, isError = false): bigint {
  assertU32(ptr, "ptr");
  assertU32(len, "len", ERROR_BIT - 1);
  const low = isError ? len + ERROR_BIT : len;
  return (BigInt(ptr) << 32n) | BigInt(low);
}

/** Unpacks an i64 result. Accepts the signed value WebAssembly hands to JavaScript. */
export function unpackPtrLen(value: bigint): PtrLen {
  const bits = BigInt.asUintN(64, value);
  const ptr = Number(bits >> 32n);
  const low = Number(bits & 0xffff_ffffn);
  const isError = low >= ERROR_BIT;
  return { ptr, len: isError ? low - ERROR_BIT : low, isError };
}
