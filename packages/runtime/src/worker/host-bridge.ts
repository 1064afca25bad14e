import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import type { HostCallReply, HostCallRequest } from "./messages.js";
import { TrapError } from "./trap.js";

const WAITING = 0;

/**
 * Makes a host service call look synchronous to the plugin: the request goes to
 * the manager's thread, which does the asynchronous work, posts the reply and
 * wakes this worker. Only this worker blocks; the manager's thread never does.
 */
export class HostBridge {
  private readonly signal: Int32Array;
  private sequence = 0;

  constructor(
    private readonly port: MessagePort,
    signal: SharedArrayBuffer,
  ) {
    this.signal = new Int32Array(signal);
  }

  call(pluginId: string, importName: string, request: Uint8Array, timeoutMs: number): Uint8Array {
    const sequence = ++this.sequence;
    Atomics.store(this.signal, 0, WAITING);
    this.port.postMessage({ sequence, pluginId, importName, request } satisfies HostCallRequest);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = receiveMessageOnPort(this.port)?.message as HostCallReply | undefined;
      if (reply?.sequence === sequence) return unwrap(importName, reply);
      if (reply) continue; // a late reply to a call that already gave up
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new TrapError(`host call env.${importName} did not answer within ${timeoutMs} ms`);
      Atomics.wait(this.signal, 0, WAITING, remaining);
      Atomics.store(this.signal, 0, WAITING);
    }
  }
}

function unwrap(importName: string, reply: HostCallReply): Uint8Array {
  if (!reply.ok) throw new TrapError(`host call env.${importName} failed: ${reply.message}`);
  return reply.bytes;
}
