/** A cached value with its type, so reading it as another type answers "does not exist". */
export type CacheValue =
  | { type: "string"; value: string }
  | { type: "int"; value: bigint }
  | { type: "float"; value: number }
  | { type: "bytes"; value: Uint8Array };

interface Entry {
  value: CacheValue;
  expiresAt: number;
  cost: number;
}

// Bookkeeping per item (map slot, entry object), so many tiny items still count against the cap.
const ENTRY_OVERHEAD_BYTES = 64;

function valueBytes(value: CacheValue): number {
  switch (value.type) {
    case "string":
      return Buffer.byteLength(value.value, "utf8");
    case "bytes":
      return value.value.byteLength;
    default:
      return 8;
  }
}

/**
 * Key/value store bounded in bytes: least recently used items are evicted to make room,
 * expired items are deleted when touched and by `sweepExpired`.
 */
export class LruStore {
  // Map iteration order is insertion order: re-inserting on use keeps the least recent first.
  private readonly entries = new Map<string, Entry>();
  private usedBytes = 0;

  constructor(
    readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  get bytes(): number {
    return this.usedBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Stores a value; answers false (keeping any previous value) when the item alone is larger than the whole budget. */
  set(key: string, value: CacheValue, ttlMs: number): boolean {
    const cost = ENTRY_OVERHEAD_BYTES + Buffer.byteLength(key, "utf8") + valueBytes(value);
    if (cost > this.maxBytes) return false;
    this.delete(key);
    if (this.usedBytes + cost > this.maxBytes) this.sweepExpired();
    for (const oldest of this.entries.keys()) {
      if (this.usedBytes + cost <= this.maxBytes) break;
      this.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs, cost });
    this.usedBytes += cost;
    return true;
  }

  get(key: string): CacheValue | undefined {
    const entry = this.live(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: string): boolean {
    return this.live(key) !== undefined;
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.usedBytes -= entry.cost;
    return true;
  }

  /** Frees every expired item; answers how many. */
  sweepExpired(): number {
    const now = this.now();
    let freed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now && this.delete(key)) freed++;
    }
    return freed;
  }

  clear(): void {
    this.entries.clear();
    this.usedBytes = 0;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    return entry;
  }
}
