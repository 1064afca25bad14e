import type { IncomingMessage, ServerResponse } from "node:http";
import { PluginError, type PluginErrorKind } from "@nd/runtime";

/** A request the server refuses, with the status and kind it answers. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "BodyTooLarge", `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "BadRequest", `the request body is not JSON: ${(error as Error).message}`);
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

const STATUS_OF_KIND: Partial<Record<PluginErrorKind, number>> = {
  PluginUnavailableError: 404,
  PluginNotFoundError: 404,
  PluginNotImplementedError: 501,
  PluginTimeoutError: 504,
};

/** The status and JSON body of a failure: plugin errors by kind (502 for the plugin's own), others 500. */
export function errorReply(error: unknown): { status: number; body: { error: { kind: string; message: string } } } {
  if (error instanceof HttpError) return { status: error.status, body: { error: { kind: error.kind, message: error.message } } };
  if (error instanceof PluginError) {
    return { status: STATUS_OF_KIND[error.kind] ?? 502, body: { error: { kind: error.kind, message: error.message } } };
  }
  return { status: 500, body: { error: { kind: "InternalError", message: (error as Error)?.message ?? String(error) } } };
}
