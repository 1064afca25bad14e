import { fromUtf8, packFields } from "../channel/fields.js";
import type { WorkerChannel } from "../channel/worker-channel.js";
import { TrapError } from "./trap.js";

/** Host reply kinds on the channel. */
export const HOST_REPLY_OK = 1;
export const HOST_REPLY_ERROR = 0;

/**
 * Makes a host service call look synchronous to the plugin: the worker writes the
 * request into the channel's host slot and sleeps in `Atomics.wait`; the manager's thread,
 * woken by `Atomics.waitAsync`, runs the service and writes the reply. Only this worker
 * blocks. A host that never answers is cut off by the call's deadline, which terminates
 * the worker.
 */
export class HostBridge {
  constructor(private readonly channel: WorkerChannel) {}

  call(importName: string, request: Uint8Array): Uint8Array {
    const reply = this.channel.askHost(packFields([importName], request));
    if (reply.kind !== HOST_REPLY_OK) {
      throw new TrapError(`host call env.${importName} failed: ${fromUtf8(reply.payload)}`);
    }
    return reply.payload;
  }
}
