import { State, packFields, fromUtf8, type SharedChannel } from "../channel/shared-channel.js";
import { TrapError } from "./trap.js";

/** Host reply kinds on the channel. */
export const HOST_REPLY_OK = 1;
export const HOST_REPLY_ERROR = 0;

/**
 * Makes a host service call look synchronous to the plugin: the worker writes the
 * request into the shared channel and sleeps in `Atomics.wait`; the manager's thread,
 * woken by `Atomics.waitAsync`, runs the service and writes the reply. Only this worker
 * blocks. A host that never answers is cut off by the call's deadline, which terminates
 * the worker.
 */
export class HostBridge {
  constructor(private readonly channel: SharedChannel) {}

  call(importName: string, request: Uint8Array): Uint8Array {
    this.channel.send(State.HostCall, 0, packFields([importName], request));
    this.channel.spin((state) => state === State.HostCall);
    while (this.channel.state === State.HostCall) this.channel.waitWhile(State.HostCall);
    const reply = this.channel.receive();
    if (reply.kind !== HOST_REPLY_OK) {
      throw new TrapError(`host call env.${importName} failed: ${fromUtf8(reply.payload)}`);
    }
    return reply.payload;
  }
}
