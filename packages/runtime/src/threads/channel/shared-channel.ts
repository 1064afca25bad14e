import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";

/**
 * The wire between the manager's thread and one worker: a SharedArrayBuffer holding a
 * state word and one message at a time, plus a MessagePort for payloads too large for
 * the buffer. Both sides read and write messages without structured cloning, which is
 * what makes a call or a host call cost a few microseconds instead of tens.
 *
 * The state word says whose turn it is:
 *   IDLE → CALL (manager wrote a call) → RESULT (worker wrote the outcome) → IDLE
 *   during a call: HOST_CALL (worker asks a host service) → HOST_REPLY (manager answered)
 */
export const State = {
  Idle: 0,
  Call: 1,
  Result: 2,
  HostCall: 3,
  HostReply: 4,
} as const;
export type State = (typeof State)[keyof typeof State];

const STATE = 0;
const KIND = 1;
const LENGTH = 2;
const HEADER_BYTES = 16;
const OVERFLOW = -1;
const DEFAULT_CAPACITY = 256 * 1024;
/** How long a worker polls before sleeping: answers often come sooner than a sleeping thread wakes. */
const SPIN_MS = 0.05;

/** The shared memory and overflow port of one channel; sent to the worker at start. */
export interface ChannelEnds {
  readonly buffer: SharedArrayBuffer;
  readonly port: MessagePort;
}

export interface ChannelMessage {
  readonly kind: number;
  readonly payload: Uint8Array;
}

export function channelBuffer(capacity = DEFAULT_CAPACITY): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + capacity);
}

export class SharedChannel {
  readonly words: Int32Array;
  private readonly data: Uint8Array;

  constructor(
    private readonly ends: ChannelEnds,
    /** Whether `spin` polls at all: only worth it when a core is free for the other side. */
    private readonly spinning = false,
  ) {
    this.words = new Int32Array(ends.buffer, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(ends.buffer, HEADER_BYTES);
  }

  get state(): State {
    return Atomics.load(this.words, STATE) as State;
  }

  /** Writes a message and hands the turn over by setting `state`; wakes a waiting worker. */
  send(state: State, kind: number, payload: Uint8Array): void {
    this.words[KIND] = kind;
    if (payload.length <= this.data.length) {
      this.data.set(payload);
      this.words[LENGTH] = payload.length;
    } else {
      this.ends.port.postMessage(payload);
      this.words[LENGTH] = OVERFLOW;
    }
    Atomics.store(this.words, STATE, state);
    Atomics.notify(this.words, STATE);
  }

  /** Reads the message the other side sent with its last `send`. */
  receive(): ChannelMessage {
    const length = this.words[LENGTH]!;
    const payload = length === OVERFLOW ? (receiveMessageOnPort(this.ends.port)!.message as Uint8Array) : this.data.slice(0, length);
    return { kind: this.words[KIND]!, payload };
  }

  /** Takes the turn back without waking anyone (the manager, once it has read a result). */
  reset(): void {
    Atomics.store(this.words, STATE, State.Idle);
  }

  /** Blocks (worker side only) until the state is no longer `from`, or `timeoutMs` passes. */
  waitWhile(from: State, timeoutMs = Infinity): "ok" | "not-equal" | "timed-out" {
    return Atomics.wait(this.words, STATE, from, timeoutMs);
  }

  /** Polls (worker side only) while `waiting(state)` holds, for at most a few tens of microseconds. */
  spin(waiting: (state: State) => boolean): void {
    if (!this.spinning) return;
    const until = performance.now() + SPIN_MS;
    while (waiting(this.state) && performance.now() < until);
  }

  /** Wakes whoever waits on the state word, whatever it holds (used when a worker is stopped). */
  wakeAll(): void {
    Atomics.notify(this.words, STATE);
  }

  /** Resolves (manager side) once the state is no longer `from`. */
  async changeFrom(from: State): Promise<void> {
    const waiting = Atomics.waitAsync(this.words, STATE, from);
    if (waiting.async) await waiting.value;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Joins strings and a trailing byte payload into one message: [u32 length, utf8]... then bytes. */
export function packFields(strings: readonly string[], bytes: Uint8Array = new Uint8Array()): Uint8Array {
  const encoded = strings.map((s) => encoder.encode(s));
  const out = new Uint8Array(encoded.reduce((n, e) => n + 4 + e.length, 0) + bytes.length);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const e of encoded) {
    view.setUint32(offset, e.length, true);
    out.set(e, offset + 4);
    offset += 4 + e.length;
  }
  out.set(bytes, offset);
  return out;
}

/** Splits what `packFields` joined: `count` strings, then the remaining bytes. */
export function unpackFields(message: Uint8Array, count: number): { strings: string[]; bytes: Uint8Array } {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const strings: string[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(offset, true);
    strings.push(decoder.decode(message.subarray(offset + 4, offset + 4 + length)));
    offset += 4 + length;
  }
  return { strings, bytes: message.subarray(offset) };
}

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
