/** A cached value with its type, so reading it as another type answers "does not exist". */
export type CacheValue =
  | { type: "string"; value: string }
  | { type: "int"; value: bigint }
  | { type: "float"; value: number }
  | { type: "bytes"; value: Uint8Array };

// Bookkeeping per item, so many tiny items still count against the cap.
const ENTRY_OVERHEAD_BYTES = 64;

/** Bytes the value takes in the store: UTF-8 for strings, 8 for numbers. */
export function valueByteLength(value: CacheValue): number {
  switch (value.type) {
    case "string":
      return Buffer.byteLength(value.value, "utf8");
    case "bytes":
      return value.value.byteLength;
    default:
      return 8;
  }
}

/** What an item counts against the budget: overhead, UTF-8 key bytes and value bytes. */
export function itemCost(keyBytes: number, valueBytes: number): number {
  return ENTRY_OVERHEAD_BYTES + keyBytes + valueBytes;
}
