import { SerialQueue } from "./serial-queue.js";

/** What the queue needs of a socket: a way to stop and restart reading from the network. */
export interface Pausable {
  pause(): void;
  resume(): void;
  readonly isPaused: boolean;
}

/**
 * The events of one connection on their way to the plugin, one callback at a time and in
 * order. At most `maxMessages` messages wait: at the limit the socket is paused, so nothing
 * more is read from the network and the server's sends wait on TCP; it resumes as soon as
 * the plugin has caught up. No message is lost.
 */
export class InboundQueue {
  private messages = 0;
  private readonly events: SerialQueue;

  constructor(
    private readonly socket: Pausable,
    private readonly maxMessages: number,
    onError: (error: unknown) => void,
  ) {
    this.events = new SerialQueue(onError);
  }

  /** Messages received and not yet handled by the plugin. */
  get waitingMessages(): number {
    return this.messages;
  }

  /** Queues an incoming message's callback, pausing the socket when the queue is full. */
  pushMessage(task: () => Promise<void>): void {
    if (++this.messages >= this.maxMessages) this.socket.pause();
    this.events.push(async () => {
      try {
        await task();
      } finally {
        this.messages--;
        if (this.socket.isPaused && this.messages < this.maxMessages) this.socket.resume();
      }
    });
  }

  /** Queues any other event (error, close); these come once per connection and are not counted. */
  push(task: () => Promise<void>): void {
    this.events.push(task);
  }
}
