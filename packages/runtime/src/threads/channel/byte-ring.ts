import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";

/**
 * A single-producer, single-consumer queue of messages in shared memory. The writer
 * appends records and publishes how many bytes it wrote; the reader takes them in order
 * and publishes how many bytes it consumed. Neither side ever blocks the other.
 *
 * A record is [state, kind, length, tag] (4 × int32), then its payload, padded to 16
 * bytes. Records never wrap: one that does not fit before the end leaves a wrap marker.
 * Payloads above `maxInline` travel on a MessagePort (in order) and the record holds
 * length -1. A staged record can be withdrawn by the writer until the reader claims it,
 * which is how a call queued behind a slow one moves to a worker that became free.
 */
const RecordState = { Staged: 1, Taken: 2, Withdrawn: 3, Wrap: 4 } as const;
const HEADER_BYTES = 16;
const OVERFLOW = -1;
const EMPTY = new Uint8Array();

/** Where a record was written: enough to withdraw it later. */
export interface RecordRef {
  readonly offset: number;
  /** The writer's byte counter just after the record. */
  readonly end: number;
}

export interface RingMessage {
  readonly kind: number;
  readonly payload: Uint8Array;
  /** Which call the record belongs to (records of several calls interleave). */
  readonly tag: number;
}

/** Indexes of a ring's two counters in a shared Int32Array of counters. */
export interface RingCounters {
  readonly written: number;
  readonly read: number;
}

export class ByteRing {
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly capacity: number;

  constructor(
    /** Shared counters; the ring's own live at `counters.written` and `counters.read`. */
    private readonly counterWords: Int32Array,
    private readonly counters: RingCounters,
    region: { buffer: SharedArrayBuffer; offset: number; capacity: number },
    private readonly port: MessagePort,
    private readonly maxInline: number,
  ) {
    if ((region.capacity & (region.capacity - 1)) !== 0) throw new Error("ring capacity must be a power of two");
    this.capacity = region.capacity;
    this.words = new Int32Array(region.buffer, region.offset, region.capacity / 4);
    this.bytes = new Uint8Array(region.buffer, region.offset, region.capacity);
  }

  /** Bytes a ring needs so that `records` records of up to `maxInline` bytes always fit. */
  static capacityFor(records: number, maxInline: number): number {
    const needed = (records + 1) * (HEADER_BYTES + align(maxInline));
    return 2 ** Math.ceil(Math.log2(needed));
  }

  /** Writer: appends a record; answers undefined when the ring is full. The caller wakes the reader. */
  write(kind: number, payload: Uint8Array = EMPTY, tag = 0): RecordRef | undefined {
    const length = payload.length;
    const inline = length <= this.maxInline;
    const size = HEADER_BYTES + align(inline ? length : 0);
    const written = this.counterWords[this.counters.written]!;
    const used = (written - Atomics.load(this.counterWords, this.counters.read)) | 0;
    let offset = written & (this.capacity - 1);
    const skip = offset + size > this.capacity ? this.capacity - offset : 0;
    if (used + skip + size > this.capacity) return undefined;
    if (skip) {
      Atomics.store(this.words, offset / 4, RecordState.Wrap);
      offset = 0;
    }
    const word = offset / 4;
    this.words[word + 1] = kind;
    this.words[word + 3] = tag;
    if (inline) {
      this.words[word + 2] = length;
      this.bytes.set(payload, offset + HEADER_BYTES);
    } else {
      this.words[word + 2] = OVERFLOW;
      this.port.postMessage(payload);
    }
    Atomics.store(this.words, word, RecordState.Staged);
    const end = (written + skip + size) | 0;
    Atomics.store(this.counterWords, this.counters.written, end);
    return { offset, end };
  }

  /** Writer: takes back a record the reader has not claimed yet; answers whether it did. */
  withdraw(ref: RecordRef): boolean {
    const passed = ((Atomics.load(this.counterWords, this.counters.read) - ref.end) | 0) >= 0;
    if (passed) return false;
    const word = ref.offset / 4;
    return Atomics.compareExchange(this.words, word, RecordState.Staged, RecordState.Withdrawn) === RecordState.Staged;
  }

  /** Reader: takes the next record, skipping withdrawn ones; undefined when none is waiting. */
  read(): RingMessage | undefined {
    for (;;) {
      const read = this.counterWords[this.counters.read]!;
      if (read === Atomics.load(this.counterWords, this.counters.written)) return undefined;
      const offset = read & (this.capacity - 1);
      const word = offset / 4;
      const state = Atomics.compareExchange(this.words, word, RecordState.Staged, RecordState.Taken);
      if (state === RecordState.Wrap) {
        this.consume((read + this.capacity - offset) | 0);
        continue;
      }
      const kind = this.words[word + 1]!;
      const length = this.words[word + 2]!;
      const tag = this.words[word + 3]!;
      const payload =
        length === OVERFLOW
          ? (receiveMessageOnPort(this.port)!.message as Uint8Array)
          : this.bytes.slice(offset + HEADER_BYTES, offset + HEADER_BYTES + length);
      this.consume((read + HEADER_BYTES + align(length === OVERFLOW ? 0 : length)) | 0);
      if (state === RecordState.Staged) return { kind, payload, tag };
    }
  }

  /** The writer's counter: the ring is empty while it equals `readCount`. */
  get writtenCount(): number {
    return Atomics.load(this.counterWords, this.counters.written);
  }

  get readCount(): number {
    return Atomics.load(this.counterWords, this.counters.read);
  }

  private consume(read: number): void {
    Atomics.store(this.counterWords, this.counters.read, read);
  }
}

function align(bytes: number): number {
  return (bytes + HEADER_BYTES - 1) & ~(HEADER_BYTES - 1);
}
