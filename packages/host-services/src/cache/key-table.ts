const EMPTY = 0;
const TOMBSTONE = -1;

/** FNV-1a over the UTF-8 bytes of a key. */
export function keyHash(key: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of key) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash | 0;
}

/** Slots for a table that holds every item a budget allows (each costs 64 bytes or more) at most half full. */
export function tableSlots(maxBytes: number): number {
  const maxItems = Math.floor(maxBytes / 64);
  let slots = 8;
  while (slots < 2 * maxItems) slots *= 2;
  return slots;
}

/**
 * Open-addressing hash table (linear probing) from key hash to entry offset, in shared
 * memory. A slot holds 0 (empty), -1 (a deleted entry: probing goes on past it) or the
 * offset + 1. The tombstone count lives in the shared header with the other counters.
 */
export class KeyTable {
  private readonly mask: number;

  constructor(
    private readonly slots: Int32Array,
    private readonly header: Int32Array,
    private readonly tombstonesIndex: number,
  ) {
    this.mask = slots.length - 1;
  }

  /** The offset of the entry with this hash that `matches`, or -1. */
  find(hash: number, matches: (offset: number) => boolean): number {
    for (let probe = 0, slot = hash & this.mask; probe < this.slots.length; probe++, slot = (slot + 1) & this.mask) {
      const value = this.slots[slot]!;
      if (value === EMPTY) return -1;
      if (value !== TOMBSTONE && matches(value - 1)) return value - 1;
    }
    return -1;
  }

  /** Adds an entry whose key is not in the table. */
  insert(hash: number, offset: number): void {
    let slot = hash & this.mask;
    while (this.slots[slot]! > 0) slot = (slot + 1) & this.mask;
    if (this.slots[slot] === TOMBSTONE) this.tombstones--;
    this.slots[slot] = offset + 1;
  }

  remove(hash: number, offset: number): void {
    for (let slot = hash & this.mask; this.slots[slot] !== EMPTY; slot = (slot + 1) & this.mask) {
      if (this.slots[slot] === offset + 1) {
        this.slots[slot] = TOMBSTONE;
        this.tombstones++;
        return;
      }
    }
  }

  /** Whether `items` entries plus the tombstones fill more than three quarters of the slots: probes get long. */
  crowded(items: number): boolean {
    return (items + this.tombstones) * 4 > this.slots.length * 3;
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.tombstones = 0;
  }

  private get tombstones(): number {
    return this.header[this.tombstonesIndex]!;
  }

  private set tombstones(count: number) {
    this.header[this.tombstonesIndex] = count;
  }
}
