import { SerialQueue } from "./serial-queue.js";

/** What the queue needs of a socket: a way to stop and restart reading from the network. */
export interface Pausable {
  pause(): void;
  resume(): void;
  readonly isPaused: boolean;
}

/** The inbound bounds of a plugin's connections (the websocket options of the same names). */
export interface InboundLimits {
  /** Messages of one connection waiting: reading pauses at this many. */
  readonly maxQueuedMessages: number;
  /** Messages of one connection waiting: one more closes the connection. */
  readonly maxBufferedMessages: number;
  /** Bytes of all the plugin's connections waiting: reading pauses at this many. */
  readonly maxQueuedBytesPerPlugin: number;
  /** Bytes of all the plugin's connections waiting: a message that would go past closes its connection. */
  readonly maxBufferedBytesPerPlugin: number;
}

/** The bytes a plugin's connections hold together, waiting for it; shared by their queues. */
export class InboundBudget {
  bytes = 0;
  readonly queues = new Set<InboundQueue>();

  constructor(readonly limits: InboundLimits) {}

  get full(): boolean {
    return this.bytes >= this.limits.maxQueuedBytesPerPlugin;
  }

  /** Gives back a handled message's bytes, and lets every connection that waited on them read again. */
  release(bytes: number): void {
    this.bytes -= bytes;
    for (const queue of this.queues) queue.resumeIfRoom();
  }
}

/**
 * The events of one connection on their way to the plugin, one callback at a time and in
 * order. At `maxQueuedMessages` messages waiting (or when the plugin's connections hold
 * `maxQueuedBytesPerPlugin` together) the socket is paused, so the server's sends wait on
 * TCP; it resumes once the plugin has caught up. Pausing takes effect only after the data
 * already read, which can hold thousands of small messages: past `maxBufferedMessages`, or
 * `maxBufferedBytesPerPlugin` for the plugin, a message is refused and its connection closed.
 */
export class InboundQueue {
  private messages = 0;
  private bytes = 0;
  private readonly events: SerialQueue;

  constructor(
    private readonly socket: Pausable,
    private readonly budget: InboundBudget,
    onError: (error: unknown) => void,
  ) {
    this.events = new SerialQueue(onError);
    budget.queues.add(this);
  }

  /** Messages received and not yet handled by the plugin, and their bytes. */
  get waiting(): { messages: number; bytes: number } {
    return { messages: this.messages, bytes: this.bytes };
  }

  /**
   * Queues an incoming message's callback, pausing the socket when the queue is full.
   * Answers why the message was refused instead, when it would go past a hard bound.
   */
  pushMessage(size: number, task: () => Promise<void>): string | undefined {
    const refusal = this.refusal(size);
    if (refusal) return refusal;
    this.messages++;
    this.bytes += size;
    this.budget.bytes += size;
    if (this.messages >= this.budget.limits.maxQueuedMessages || this.budget.full) this.socket.pause();
    this.events.push(async () => {
      try {
        await task();
      } finally {
        this.messages--;
        this.bytes -= size;
        this.budget.release(size);
      }
    });
    return undefined;
  }

  /** Queues any other event (error, close); these come once per connection and are not counted. */
  push(task: () => Promise<void>): void {
    this.events.push(task);
  }

  /** Resumes reading when this queue and the plugin's budget have room again. */
  resumeIfRoom(): void {
    if (this.socket.isPaused && this.messages < this.budget.limits.maxQueuedMessages && !this.budget.full) {
      this.socket.resume();
    }
  }

  /** Leaves the plugin's budget once the connection is gone; its waiting messages still count until handled. */
  detach(): void {
    this.budget.queues.delete(this);
  }

  private refusal(size: number): string | undefined {
    const { maxBufferedMessages, maxBufferedBytesPerPlugin } = this.budget.limits;
    if (this.messages >= maxBufferedMessages) {
      return `more than ${maxBufferedMessages} messages were waiting for the plugin (websocket.maxBufferedMessages)`;
    }
    if (this.budget.bytes + size > maxBufferedBytesPerPlugin) {
      return (
        `the plugin's connections held more than ${maxBufferedBytesPerPlugin} bytes ` +
        `waiting for it (websocket.maxBufferedBytesPerPlugin)`
      );
    }
    return undefined;
  }
}
