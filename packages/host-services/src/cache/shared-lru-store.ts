/*
 * A key/value store bounded in bytes whose whole state lives in one SharedArrayBuffer, so the
 * main thread and every worker that `attach`es the buffer share one cache.
 *
 * - Entries are appended at the head of a ring arena of twice the budget and never wrap (a pad
 *   entry fills the end, the next entry starts at 0). A read moves its entry to the head (copy,
 *   old copy marked dead), so ring order is LRU order: the budget evicts from the tail.
 * - Dead entries are freed when the tail passes them. When the tail is live and the head has no
 *   room, the live entries are packed to the start of the arena (order kept); they fill at most
 *   half of it, so the other half is free. Nothing is evicted that the budget would keep.
 * - An open-addressing table maps key hashes to entry offsets (see key-table.ts).
 * - Every operation holds the lock of shared-lock.ts for a few microseconds; one that cannot
 *   get it within the thread's budget answers like a miss (get: not found, set: false, ...).
 *   A thread that dies holding it is recovered from with `recoverFrom`, which empties the store.
 * - A closed flag makes every thread's sets fail and reads miss once the plugin is unloaded.
 */
import { ConfigurationError } from "../errors.js";
import { type CacheValue, itemCost, valueByteLength } from "./cache-value.js";
import { EntryArena, EntryState, entrySize } from "./entry-arena.js";
import { KeyTable, keyHash, tableSlots } from "./key-table.js";
import { DEFAULT_LOCK_BUDGET_MS, SharedLock } from "./shared-lock.js";

/** Largest budget: offsets in the arena (twice the budget) must fit an int32. */
export const MAX_SHARED_CACHE_BYTES = 512 * 1024 * 1024;

// Int32 words at the start of the buffer.
const LOCK_OWNER = 0;
const LOCK_WAITERS = 1;
const CLOSED = 2;
const MAGIC = 3;
const MAX_BYTES = 4;
const HEAD = 5;
const TAIL = 6;
const RING_BYTES = 7;
const USED_BYTES = 8;
const ITEM_COUNT = 9;
const TOMBSTONES = 10;
const HEADER_WORDS = 16;
const MAGIC_VALUE = 0x6e64_6331; // "ndc1"

export interface SharedLruStoreOptions {
  /** Clock of expiry times, in ms. Default `Date.now()`. */
  now?: () => number;
}

/** The outcome of `delete`: "busy" when the store could not be locked in time, so the key may remain. */
export type DeleteOutcome = "deleted" | "absent" | "busy";

function encodeKey(key: string) {
  const keyBytes = Buffer.from(key, "utf8");
  return { keyBytes, hash: keyHash(keyBytes) };
}

function layout(maxBytes: number) {
  const slots = tableSlots(maxBytes);
  const arenaStart = (HEADER_WORDS + slots) * 4;
  const arenaBytes = Math.ceil((2 * maxBytes) / 8) * 8;
  return { slots, arenaStart, arenaBytes, totalBytes: arenaStart + arenaBytes };
}

export class SharedLruStore {
  readonly maxBytes: number;
  private readonly header: Int32Array;
  private readonly table: KeyTable;
  private readonly arena: EntryArena;
  private readonly lock: SharedLock;
  private readonly now: () => number;

  /** A new, empty store with the given budget in bytes (1 to MAX_SHARED_CACHE_BYTES). */
  static create(maxBytes: number, options?: SharedLruStoreOptions): SharedLruStore {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_SHARED_CACHE_BYTES) {
      throw new ConfigurationError(
        `a shared cache budget must be 1 to ${MAX_SHARED_CACHE_BYTES} bytes, got ${maxBytes}`,
      );
    }
    const buffer = new SharedArrayBuffer(layout(maxBytes).totalBytes);
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    header[MAX_BYTES] = maxBytes;
    header[MAGIC] = MAGIC_VALUE;
    return new SharedLruStore(buffer, options);
  }

  /** The store whose state is in `buffer` (from another store's `buffer`), as seen from this thread. */
  static attach(buffer: SharedArrayBuffer, options?: SharedLruStoreOptions): SharedLruStore {
    const header = new Int32Array(buffer, 0, Math.min(HEADER_WORDS, Math.floor(buffer.byteLength / 4)));
    const maxBytes = header[MAX_BYTES] ?? 0;
    if (header[MAGIC] !== MAGIC_VALUE || layout(maxBytes).totalBytes !== buffer.byteLength) {
      throw new ConfigurationError("this SharedArrayBuffer does not hold a shared cache");
    }
    return new SharedLruStore(buffer, options);
  }

  private constructor(
    readonly buffer: SharedArrayBuffer,
    options: SharedLruStoreOptions = {},
  ) {
    this.header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.maxBytes = this.header[MAX_BYTES]!;
    const { slots, arenaStart, arenaBytes } = layout(this.maxBytes);
    this.table = new KeyTable(new Int32Array(buffer, HEADER_WORDS * 4, slots), this.header, TOMBSTONES);
    this.arena = new EntryArena(buffer, arenaStart, arenaBytes);
    this.lock = new SharedLock(this.header, LOCK_OWNER, LOCK_WAITERS, DEFAULT_LOCK_BUDGET_MS);
    this.now = options.now ?? (() => Date.now());
  }

  /** Bytes counted against the budget by the items held now. */
  get bytes(): number {
    return Atomics.load(this.header, USED_BYTES);
  }

  get size(): number {
    return Atomics.load(this.header, ITEM_COUNT);
  }

  /** After `close`, in every thread: sets answer false, reads find nothing. */
  get closed(): boolean {
    return Atomics.load(this.header, CLOSED) === 1;
  }

  /** Stores a value; answers false (keeping any previous value) when the item alone is larger than the whole budget. */
  set(key: string, value: CacheValue, ttlMs: number): boolean {
    const { keyBytes, hash } = encodeKey(key);
    const valueBytes = valueByteLength(value);
    const cost = itemCost(keyBytes.length, valueBytes);
    if (cost > this.maxBytes) return false;
    return this.lock.run(false, () => {
      if (this.closed) return false;
      this.removeKey(keyBytes, hash);
      if (this.usedBytes + cost > this.maxBytes) this.sweepLocked();
      while (this.usedBytes + cost > this.maxBytes) this.dropTail();
      const offset = this.allocate(entrySize(keyBytes.length, valueBytes));
      this.arena.write(offset, hash, keyBytes, value, this.now() + ttlMs);
      this.addItem(offset, hash, cost);
      return true;
    });
  }

  get(key: string): CacheValue | undefined {
    const { keyBytes, hash } = encodeKey(key);
    return this.lock.run(undefined, () => {
      const offset = this.findLive(keyBytes, hash);
      if (offset < 0) return undefined;
      const value = this.arena.readValue(offset);
      this.moveToHead(offset, hash);
      return value;
    });
  }

  has(key: string): boolean {
    const { keyBytes, hash } = encodeKey(key);
    return this.lock.run(false, () => this.findLive(keyBytes, hash) >= 0);
  }

  delete(key: string): DeleteOutcome {
    const { keyBytes, hash } = encodeKey(key);
    return this.lock.run<DeleteOutcome>("busy", () => (this.removeKey(keyBytes, hash) ? "deleted" : "absent"));
  }

  /** Frees every expired item; answers how many (0 when the store is busy). */
  sweepExpired(): number {
    return this.lock.run(0, () => this.sweepLocked());
  }

  clear(): void {
    this.lock.run(undefined, () => this.reset());
  }

  /** Marks the store closed for every thread and frees its items. */
  close(): void {
    Atomics.store(this.header, CLOSED, 1);
    this.clear();
  }

  /**
   * For a thread terminated while it held the lock, leaving the store half-changed: empties the
   * store, releases the lock and wakes its waiters. False when that thread did not hold the lock.
   */
  recoverFrom(deadThreadId: number): boolean {
    if (!Number.isSafeInteger(deadThreadId) || deadThreadId < 0) {
      throw new ConfigurationError(
        `shared cache recovery needs the id the worker had while it ran (worker.threadId reads -1 ` +
          `once the worker has stopped), got ${deadThreadId}`,
      );
    }
    return this.lock.takeOverFrom(deadThreadId, () => this.reset());
  }

  private findLive(keyBytes: Uint8Array, hash: number): number {
    if (this.closed) return -1;
    const offset = this.find(keyBytes, hash);
    if (offset >= 0 && this.arena.expiresAt(offset) <= this.now()) {
      this.removeItem(offset);
      return -1;
    }
    return offset;
  }

  private find(keyBytes: Uint8Array, hash: number): number {
    const matches = (offset: number) => this.arena.hash(offset) === hash && this.arena.keyEquals(offset, keyBytes);
    return this.table.find(hash, matches);
  }

  private removeKey(keyBytes: Uint8Array, hash: number): boolean {
    const offset = this.find(keyBytes, hash);
    if (offset >= 0) this.removeItem(offset);
    return offset >= 0;
  }

  private removeItem(offset: number): void {
    this.table.remove(this.arena.hash(offset), offset);
    this.arena.markDead(offset);
    this.usedBytes -= this.arena.cost(offset);
    this.itemCount--;
  }

  /** Counts a live entry written at `offset` and indexes it. */
  private addItem(offset: number, hash: number, cost: number): void {
    this.usedBytes += cost;
    this.itemCount++;
    // The rebuild indexes every live entry, this one included.
    if (this.table.crowded(this.itemCount)) this.rebuildTable();
    else this.table.insert(hash, offset);
  }

  /** Copies a just-read entry to the head, unless it is there already. */
  private moveToHead(offset: number, hash: number): void {
    const size = this.arena.size(offset);
    if ((offset + size) % this.arena.byteLength === this.head) return;
    const entry = this.arena.copyOut(offset, size);
    const cost = this.arena.cost(offset);
    this.removeItem(offset);
    const moved = this.allocate(size);
    this.arena.copyIn(moved, entry);
    this.addItem(moved, hash, cost);
  }

  /** Room for `size` bytes at the head; frees dead entries and packs live ones as needed, never evicts. */
  private allocate(size: number): number {
    for (;;) {
      this.dropDeadAtTail();
      const head = this.head;
      if (this.roomAtHead() >= size) {
        this.head = (head + size) % this.arena.byteLength;
        this.ringBytes += size;
        return head;
      }
      if (head > this.tail) this.padToEnd();
      else this.compact();
    }
  }

  /** Free bytes from the head on, before the end of the arena or the tail. */
  private roomAtHead(): number {
    if (this.ringBytes === 0) return this.arena.byteLength;
    return this.head > this.tail ? this.arena.byteLength - this.head : this.tail - this.head;
  }

  private padToEnd(): void {
    this.arena.writePad(this.head);
    this.ringBytes += this.arena.byteLength - this.head;
    this.head = 0;
  }

  private dropDeadAtTail(): void {
    while (this.ringBytes > 0 && this.arena.state(this.tail) !== EntryState.Live) this.dropTail();
    if (this.ringBytes === 0) this.head = this.tail = 0;
  }

  /** Frees the entry at the tail, evicting it when it is live. */
  private dropTail(): void {
    const tail = this.tail;
    const size = this.arena.size(tail);
    if (this.arena.state(tail) === EntryState.Live) this.removeItem(tail);
    this.tail = (tail + size) % this.arena.byteLength;
    this.ringBytes -= size;
  }

  /** Moves the live entries, in ring order, to the start of the arena. */
  private compact(): void {
    const length = this.arena.packToStart([...this.liveEntries()]);
    this.tail = 0;
    this.head = length;
    this.ringBytes = length;
    this.rebuildTable();
  }

  private rebuildTable(): void {
    this.table.clear();
    for (const offset of this.liveEntries()) this.table.insert(this.arena.hash(offset), offset);
  }

  private sweepLocked(): number {
    const now = this.now();
    let freed = 0;
    for (const offset of this.liveEntries()) {
      if (this.arena.expiresAt(offset) <= now) {
        this.removeItem(offset);
        freed++;
      }
    }
    return freed;
  }

  /** Offsets of the live entries from tail to head; one may be marked dead while iterating. */
  private *liveEntries(): Generator<number> {
    let offset = this.tail;
    for (let left = this.ringBytes; left > 0; ) {
      const size = this.arena.size(offset);
      if (this.arena.state(offset) === EntryState.Live) yield offset;
      offset = (offset + size) % this.arena.byteLength;
      left -= size;
    }
  }

  private reset(): void {
    this.head = this.tail = this.ringBytes = this.usedBytes = this.itemCount = 0;
    this.table.clear();
  }

  private get head(): number {
    return this.header[HEAD]!;
  }
  private set head(offset: number) {
    this.header[HEAD] = offset;
  }
  private get tail(): number {
    return this.header[TAIL]!;
  }
  private set tail(offset: number) {
    this.header[TAIL] = offset;
  }
  /** Arena bytes from tail to head: live, dead and pad entries. */
  private get ringBytes(): number {
    return this.header[RING_BYTES]!;
  }
  private set ringBytes(bytes: number) {
    this.header[RING_BYTES] = bytes;
  }
  private get usedBytes(): number {
    return this.header[USED_BYTES]!;
  }
  private set usedBytes(bytes: number) {
    this.header[USED_BYTES] = bytes;
  }
  private get itemCount(): number {
    return this.header[ITEM_COUNT]!;
  }
  private set itemCount(count: number) {
    this.header[ITEM_COUNT] = count;
  }
}
