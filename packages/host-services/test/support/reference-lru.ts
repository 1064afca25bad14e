import type { CacheValue } from "../../src/cache/cache-value.js";

interface Item {
  value: CacheValue;
  expiresAt: number;
  cost: number;
}

function valueBytes(value: CacheValue): number {
  if (value.type === "string") return Buffer.byteLength(value.value, "utf8");
  return value.type === "bytes" ? value.value.byteLength : 8;
}

/**
 * The cache's semantics in the plainest form, to check the shared store against: a Map in
 * least-recently-used order, 64 bytes of overhead per item, expired items first, then LRU.
 */
export class ReferenceLru {
  private readonly items = new Map<string, Item>();
  bytes = 0;

  constructor(
    readonly maxBytes: number,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.items.size;
  }

  set(key: string, value: CacheValue, ttlMs: number): boolean {
    const cost = 64 + Buffer.byteLength(key, "utf8") + valueBytes(value);
    if (cost > this.maxBytes) return false;
    this.delete(key);
    if (this.bytes + cost > this.maxBytes) this.sweepExpired();
    for (const oldest of this.items.keys()) {
      if (this.bytes + cost <= this.maxBytes) break;
      this.delete(oldest);
    }
    this.items.set(key, { value, expiresAt: this.now() + ttlMs, cost });
    this.bytes += cost;
    return true;
  }

  get(key: string): CacheValue | undefined {
    const item = this.live(key);
    if (!item) return undefined;
    this.items.delete(key);
    this.items.set(key, item);
    return item.value;
  }

  has(key: string): boolean {
    return this.live(key) !== undefined;
  }

  delete(key: string): "deleted" | "absent" {
    const item = this.items.get(key);
    if (!item) return "absent";
    this.items.delete(key);
    this.bytes -= item.cost;
    return "deleted";
  }

  sweepExpired(): number {
    let freed = 0;
    for (const [key, item] of this.items) {
      if (item.expiresAt > this.now()) continue;
      this.delete(key);
      freed++;
    }
    return freed;
  }

  clear(): void {
    this.items.clear();
    this.bytes = 0;
  }

  private live(key: string): Item | undefined {
    const item = this.items.get(key);
    if (item && item.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    return item;
  }
}
