import { MessageChannel, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { ByteRing, type RecordRef, type RingMessage } from "./byte-ring.js";

/**
 * The wire between the manager's thread and one worker, in one SharedArrayBuffer:
 *  - a ring of calls (manager → worker) and a ring of results (worker → manager), so the
 *    manager can stage the next calls while the worker runs one, and the worker goes from
 *    call to call without waiting for the manager;
 *  - one host-call slot (the running call asks a host service and sleeps until answered),
 *    whose state word goes Idle → Request (worker) → Reply (manager) → Idle (worker);
 *  - an event counter the worker bumps after each result or host request: the manager
 *    sleeps on it with `Atomics.waitAsync`, and one wake-up may collect many results.
 * Payloads too large for the shared memory travel on MessagePorts, in order.
 */
export const HostState = { Idle: 0, Request: 1, Reply: 2 } as const;
export type HostState = (typeof HostState)[keyof typeof HostState];

/** Calls staged on one worker at most (the running one included). */
export const PIPELINE_DEPTH = 8;

const Word = {
  Events: 0,
  Control: 1,
  HostState: 2,
  HostKind: 3,
  HostLength: 4,
  CallsWritten: 5,
  CallsRead: 6,
  ResultsWritten: 7,
  ResultsRead: 8,
  /** Set while the manager waits for events: only then must the worker wake it. */
  ManagerWaiting: 9,
  /** Set while the worker sleeps for calls: only then must the manager wake it. */
  WorkerSleeping: 10,
  /** Log lines the worker posted: the manager reads its log port only when this moved. */
  Logs: 11,
} as const;
const HEADER_BYTES = 64;
const MAX_INLINE = 64 * 1024;
const RING_BYTES = ByteRing.capacityFor(PIPELINE_DEPTH, MAX_INLINE);
const HOST_BYTES = 256 * 1024;
const OVERFLOW = -1;
/** How long a worker polls before sleeping: answers often come sooner than a sleeping thread wakes. */
const SPIN_MS = 0.05;

/** One side's view of a channel: the shared memory and its ends of the two overflow ports. */
export interface ChannelEnds {
  readonly buffer: SharedArrayBuffer;
  readonly callPort: MessagePort;
  readonly hostPort: MessagePort;
}

/** A new channel: the manager keeps `manager`, `worker` is transferred to the worker thread. */
export function createChannel(): { manager: ChannelEnds; worker: ChannelEnds } {
  const buffer = new SharedArrayBuffer(HEADER_BYTES + 2 * RING_BYTES + HOST_BYTES);
  const calls = new MessageChannel();
  const host = new MessageChannel();
  return {
    manager: { buffer, callPort: calls.port1, hostPort: host.port1 },
    worker: { buffer, callPort: calls.port2, hostPort: host.port2 },
  };
}

export class WorkerChannel {
  /** Calls, written by the manager and read by the worker. */
  readonly calls: ByteRing;
  /** Outcomes, in call order, written by the worker and read by the manager. */
  readonly results: ByteRing;
  private readonly words: Int32Array;
  private readonly hostData: Uint8Array;

  constructor(
    private readonly ends: ChannelEnds,
    /** Whether the worker polls before sleeping: only worth it when a core is free for the other side. */
    private readonly spinning = false,
  ) {
    const { buffer, callPort } = ends;
    this.words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    const ring = (offset: number, written: number, read: number) =>
      new ByteRing(this.words, { written, read }, { buffer, offset, capacity: RING_BYTES }, callPort, MAX_INLINE);
    this.calls = ring(HEADER_BYTES, Word.CallsWritten, Word.CallsRead);
    this.results = ring(HEADER_BYTES + RING_BYTES, Word.ResultsWritten, Word.ResultsRead);
    this.hostData = new Uint8Array(buffer, HEADER_BYTES + 2 * RING_BYTES, HOST_BYTES);
  }

  // --- events (worker → manager) ---

  /** Worker: tells the manager a result or a host request is waiting. */
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

  /** Manager: stages a call record and wakes the worker if it sleeps. */
  stageCall(kind: number, payload?: Uint8Array): RecordRef | undefined {
    const record = this.calls.write(kind, payload);
    if (record && Atomics.load(this.words, Word.WorkerSleeping)) Atomics.notify(this.words, Word.CallsWritten);
    return record;
  }

  /** Manager: wakes whoever sleeps on the channel, on either side (used when a worker is stopped). */
  wakeAll(): void {
    for (const word of [Word.Events, Word.HostState, Word.CallsWritten]) Atomics.notify(this.words, word);
  }

  /** Manager: closes this side's ports once the worker is gone (an open port is never collected). */
  close(): void {
    this.ends.callPort.close();
    this.ends.hostPort.close();
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

  // --- the host-call slot ---

  get hostState(): HostState {
    return Atomics.load(this.words, Word.HostState) as HostState;
  }

  /** Worker: posts a host request and sleeps until the manager replies. */
  askHost(request: Uint8Array): RingMessage {
    this.writeHost(HostState.Request, 0, request);
    this.signal();
    this.spin(() => this.hostState === HostState.Request);
    while (this.hostState === HostState.Request) Atomics.wait(this.words, Word.HostState, HostState.Request);
    const reply = this.readHost();
    Atomics.store(this.words, Word.HostState, HostState.Idle);
    return reply;
  }

  /** Manager: the pending host request. */
  hostRequest(): Uint8Array {
    return this.readHost().payload;
  }

  /** Manager: answers the pending host request and wakes the worker. */
  replyHost(kind: number, payload: Uint8Array): void {
    this.writeHost(HostState.Reply, kind, payload);
    Atomics.notify(this.words, Word.HostState);
  }

  private writeHost(state: HostState, kind: number, payload: Uint8Array): void {
    this.words[Word.HostKind] = kind;
    if (payload.length <= this.hostData.length) {
      this.hostData.set(payload);
      this.words[Word.HostLength] = payload.length;
    } else {
      this.ends.hostPort.postMessage(payload);
      this.words[Word.HostLength] = OVERFLOW;
    }
    Atomics.store(this.words, Word.HostState, state);
  }

  private readHost(): RingMessage {
    const length = this.words[Word.HostLength]!;
    const payload =
      length === OVERFLOW ? (receiveMessageOnPort(this.ends.hostPort)!.message as Uint8Array) : this.hostData.slice(0, length);
    return { kind: this.words[Word.HostKind]!, payload };
  }

  private spin(waiting: () => boolean): void {
    if (!this.spinning) return;
    const until = performance.now() + SPIN_MS;
    while (waiting() && performance.now() < until);
  }
}
