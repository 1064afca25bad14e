import type { CallOutcome } from "../worker/messages.js";
import type { RingMessage } from "./byte-ring.js";
import { fromUtf8, utf8 } from "./fields.js";

/** Outcome types by their number on the channel. */
const KINDS = ["ok", "number", "plugin-error", "missing-export", "undecodable-request", "trap", "out-of-memory", "too-large"] as const;

/** An outcome as a record kind and payload. */
export type OutcomeRecord = Pick<RingMessage, "kind" | "payload">;

export function encodeOutcome(outcome: CallOutcome): OutcomeRecord {
  if (outcome.type === "timeout" || outcome.type === "closed") throw new Error(`a worker never reports a ${outcome.type} outcome`);
  const kind = KINDS.indexOf(outcome.type);
  switch (outcome.type) {
    case "ok":
      return { kind, payload: outcome.bytes };
    case "number":
      return { kind, payload: utf8(String(outcome.value)) };
    case "plugin-error":
    case "trap":
    case "out-of-memory":
    case "too-large":
      return { kind, payload: utf8(outcome.message) };
    default:
      return { kind, payload: new Uint8Array() };
  }
}

export function decodeOutcome({ kind, payload }: OutcomeRecord): CallOutcome {
  const type = KINDS[kind];
  switch (type) {
    case "ok":
      return { type, bytes: payload };
    case "number":
      return { type, value: Number(fromUtf8(payload)) };
    case "plugin-error":
    case "trap":
    case "out-of-memory":
    case "too-large":
      return { type, message: fromUtf8(payload) };
    case "missing-export":
    case "undecodable-request":
      return { type };
    default:
      return { type: "trap", message: `unknown outcome ${kind} from the worker` };
  }
}
