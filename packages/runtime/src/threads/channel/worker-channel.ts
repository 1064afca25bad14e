import { MessageChannel, type MessagePort } from "node:worker_threads";
import { ByteRing, type RecordRef } from "./byte-ring.js";

/**
 * The wire between the manager's thread and one worker, in one SharedArrayBuffer:
 *  - a ring of work (manager → worker): calls to begin, and host replies to calls waiting
 *    in a host call, in the order the worker is to run them;
 *  - a ring of events (worker → manager): outcomes of calls and host requests of calls
 *    that suspended, each tagged with its call's number (calls on a worker interleave);
 *  - an event counter the worker bumps after each record: the manager sleeps on it with
 *    `Atomics.waitAsync`, and one wake-up may collect many records.
 * Payloads too large for the shared memory travel on a MessagePort, in order.
 */
export const RecordKind = {
  /** Events ring: the call asks a host service; the payload is the import name and the request. */
  HostRequest: -1,
  /** Work ring: the host service answered; the payload is its reply. */
  HostReplyOk: -2,
  /** Work ring: the host service failed; the payload is the reason. */
  HostReplyError: -3,
} as const;

/** Work records (calls to begin, host replies) given to one worker at most before it takes them. */
export const PIPELINE_DEPTH = 8;

const Word = {
  Events: 0,
  Control: 1,
  CallsWritten: 2,
  CallsRead: 3,
  ResultsWritten: 4,
  ResultsRead: 5,
  /** Set while the manager waits for events: only then must the worker wake it. */
  ManagerWaiting: 6,
  /** Set while the worker sleeps for calls: only then must the manager wake it. */
  WorkerSleeping: 7,
  /** Log lines the worker posted: the manager reads its log port only when this moved. */
  Logs: 8,
} as const;
const HEADER_BYTES = 64;
const MAX_INLINE = 64 * 1024;
const RING_BYTES = ByteRing.capacityFor(PIPELINE_DEPTH, MAX_INLINE);
/** How long a worker polls before sleeping: answers often come sooner than a sleeping thread wakes. */
const SPIN_MS = 0.05;

/** One side's view of a channel: the shared memory and its ends of the two overflow ports. */
export interface ChannelEnds {
  readonly buffer: SharedArrayBuffer;
  readonly callPort: MessagePort;
  readonly resultPort: MessagePort;
}

/** A new channel: the manager keeps `manager`, `worker` is transferred to the worker thread. */
export function createChannel(): { manager: ChannelEnds; worker: ChannelEnds } {
  const buffer = new SharedArrayBuffer(HEADER_BYTES + 2 * RING_BYTES);
  const calls = new MessageChannel();
  const results = new MessageChannel();
  return {
    manager: { buffer, callPort: calls.port1, resultPort: results.port1 },
    worker: { buffer, callPort: calls.port2, resultPort: results.port2 },
  };
}

export class WorkerChannel {
  /** Calls and host replies, written by the manager and read by the worker. */
  readonly calls: ByteRing;
  /** Outcomes and host requests, written by the worker and read by the manager. */
  readonly results: ByteRing;
  private readonly words: Int32Array;

  constructor(
    private readonly ends: ChannelEnds,
    /** Whether the worker polls before sleeping: only worth it when a core is free for the other side. */
    private readonly spinning = false,
  ) {
    const { buffer, callPort, resultPort } = ends;
    this.words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    const ring = (offset: number, written: number, read: number, port: MessagePort) =>
      new ByteRing(this.words, { written, read }, { buffer, offset, capacity: RING_BYTES }, port, MAX_INLINE);
    this.calls = ring(HEADER_BYTES, Word.CallsWritten, Word.CallsRead, callPort);
    this.results = ring(HEADER_BYTES + RING_BYTES, Word.ResultsWritten, Word.ResultsRead, resultPort);
  }

  // --- events (worker → manager) ---

  /** Worker: tells the manager an outcome or a host request is waiting. */
  signal(): void {
    Atomics.add(this.words, Word.Events, 1);
    if (Atomics.load(this.words, Word.ManagerWaiting)) Atomics.notify(this.words, Word.Events);
  }

  /** Manager: the event count, to wait for a change of. */
  get events(): number {
    return Atomics.load(this.words, Word.Events);
  }

  /** Manager: resolves once the event count is no longer `seen`. */
  async eventAfter(seen: number): Promise<void> {
    Atomics.store(this.words, Word.ManagerWaiting, 1);
    const waiting = Atomics.waitAsync(this.words, Word.Events, seen);
    if (waiting.async) await waiting.value;
    Atomics.store(this.words, Word.ManagerWaiting, 0);
  }

  /** Manager: stages a call or host reply record and wakes the worker if it sleeps. */
  stageCall(kind: number, payload: Uint8Array | undefined, tag: number): RecordRef | undefined {
    const record = this.calls.write(kind, payload, tag);
    if (record && Atomics.load(this.words, Word.WorkerSleeping)) Atomics.notify(this.words, Word.CallsWritten);
    return record;
  }

  /** Manager: wakes whoever sleeps on the channel, on either side (used when a worker is stopped). */
  wakeAll(): void {
    for (const word of [Word.Events, Word.CallsWritten]) Atomics.notify(this.words, word);
  }

  /** Manager: closes this side's ports once the worker is gone (an open port is never collected). */
  close(): void {
    this.ends.callPort.close();
    this.ends.resultPort.close();
  }

  // --- control messages (manager → worker, on a port) ---

  /** Manager: counts a control message it posted, so the worker knows to look. */
  markControl(): void {
    Atomics.add(this.words, Word.Control, 1);
  }

  get controlCount(): number {
    return Atomics.load(this.words, Word.Control);
  }

  // --- log lines (worker → manager, on a port) ---

  /** Worker: counts a log line it posted. */
  markLog(): void {
    Atomics.add(this.words, Word.Logs, 1);
  }

  get logCount(): number {
    return Atomics.load(this.words, Word.Logs);
  }

  // --- waiting for calls (worker) ---

  /** Worker: sleeps until a call is written (after a short poll when spinning), or `timeoutMs` passes. */
  waitForCall(timeoutMs: number): "ok" | "not-equal" | "timed-out" {
    const emptyAt = this.calls.readCount;
    this.spin(() => this.calls.writtenCount === emptyAt);
    Atomics.store(this.words, Word.WorkerSleeping, 1);
    const woken = Atomics.wait(this.words, Word.CallsWritten, emptyAt, timeoutMs);
    Atomics.store(this.words, Word.WorkerSleeping, 0);
    return woken;
  }

  private spin(waiting: () => boolean): void {
    if (!this.spinning) return;
    const until = performance.now() + SPIN_MS;
    while (waiting() && performance.now() < until);
  }
}
