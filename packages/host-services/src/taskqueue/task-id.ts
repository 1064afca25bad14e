import { nodeCrypto } from "../node-builtins.js";

let lastMs = 0;
let sequence = 0;

/**
 * A UUID version 7: its text sorts by creation time (and, within one millisecond of one host, by
 * order of creation), which the Redis store uses to run tasks due at the same time oldest first.
 */
export function newTaskId(nowMs: number = Date.now()): string {
  if (nowMs > lastMs) {
    lastMs = nowMs;
    sequence = 0;
  } else {
    sequence = (sequence + 1) & 0xfff;
  }
  const bytes = nodeCrypto().randomBytes(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes.writeUInt16BE(0x7000 | sequence, 6);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
