import { gen2 } from "@nd/protocol";
import { fromUtf8, utf8 } from "../../channel/fields.js";
import { TrapError } from "../trap.js";
import type { BlockArena } from "./blocks.js";

interface KernelHttpAnswer {
  readonly statusCode?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly error?: string;
}

/**
 * The kernel's `http_request`, `http_status_code` and `http_headers` of one instance. The
 * request goes to the host services as gen2.KERNEL_HTTP_REQUEST (they apply the http
 * permission and its requiredHosts); a refusal or network error traps the call, as in Extism.
 */
export class KernelHttp {
  private statusCode = 0;
  private lastHeaders: Record<string, string> | undefined;

  constructor(
    private readonly arena: BlockArena,
    private readonly hostCall: (importName: string, request: Uint8Array) => Promise<Uint8Array>,
  ) {}

  async send(requestHandle: bigint, bodyHandle: bigint): Promise<bigint> {
    const request = parseJson(this.arena.bytesFrom(requestHandle), "http_request's request") as Record<string, unknown>;
    const body = bodyHandle === 0n ? undefined : Buffer.from(this.arena.bytesFrom(bodyHandle)).toString("base64");
    const reply = await this.hostCall(gen2.KERNEL_HTTP_REQUEST, utf8(JSON.stringify({ ...request, ...(body && { body }) })));
    const answer = parseJson(reply, "the http_request answer") as KernelHttpAnswer;
    if (answer.error !== undefined) throw new TrapError(`http_request failed: ${answer.error}`);
    this.statusCode = answer.statusCode ?? 0;
    this.lastHeaders = answer.headers ?? {};
    return answer.body ? this.arena.put(Buffer.from(answer.body, "base64")) : 0n;
  }

  status(): number {
    return this.statusCode;
  }

  headers(): bigint {
    return this.lastHeaders ? this.arena.put(utf8(JSON.stringify(this.lastHeaders))) : 0n;
  }
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(fromUtf8(bytes));
  } catch (error) {
    throw new TrapError(`${what} is not JSON (${(error as Error).message})`);
  }
}
