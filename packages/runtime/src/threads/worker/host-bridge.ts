import { fromUtf8, packFields } from "../channel/fields.js";
import { RecordKind } from "../channel/worker-channel.js";
import type { RingMessage } from "../channel/byte-ring.js";
import { TrapError } from "./trap.js";

interface WaitingCall {
  /** As messages name it: `env.<name>`, `extism:host/user.<name>`. */
  readonly importName: string;
  readonly resolve: (reply: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Host services answered on the manager's thread. The running call's request goes out as
 * a record tagged with the call's number and the call's stack suspends on the promise;
 * the reply comes back on the work ring and settles it. A host that never answers is cut
 * off by the call's deadline: the manager then replies with an error.
 */
export class HostBridge {
  private readonly waiting = new Map<number, WaitingCall>();

  constructor(
    /** Writes a record to the manager. */
    private readonly send: (kind: number, payload: Uint8Array, tag: number) => void,
    /** The number of the call whose stack runs now. */
    private readonly runningCall: () => number,
  ) {}

  /** `label` names the import in errors (`env.<name>` unless given). */
  call(importName: string, request: Uint8Array, label = `env.${importName}`): Promise<Uint8Array> {
    const tag = this.runningCall();
    const promise = new Promise<Uint8Array>((resolve, reject) => {
      this.waiting.set(tag, { importName: label, resolve, reject });
    });
    this.send(RecordKind.HostRequest, packFields([importName], request), tag);
    return promise;
  }

  /** Settles the waiting host call a reply record answers; false when no call of its number waits. */
  answer({ kind, payload, tag }: RingMessage): boolean {
    const call = this.waiting.get(tag);
    if (!call) return false;
    this.waiting.delete(tag);
    if (kind === RecordKind.HostReplyOk) call.resolve(payload);
    else call.reject(new TrapError(`host call ${call.importName} failed: ${fromUtf8(payload)}`));
    return true;
  }
}
