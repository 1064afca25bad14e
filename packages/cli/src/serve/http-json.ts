import type { IncomingMessage, ServerResponse } from "node:http";
import { PluginError, type PluginErrorKind } from "@nd/runtime";

/** A request the server refuses, with the status and kind it answers. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly kind: string,
    message: string,
    /** The rest of the request was not read: the connection cannot carry another one. */
    readonly closeConnection = false,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;
/** A body over the limit is read to its end, up to this much, so the connection can be kept. */
const MAX_DRAINED_BYTES = 16 * 1024 * 1024;

/**
 * Reads a JSON request body of at most 1 MiB. A larger one is answered 413 after the rest is
 * read and dropped, so a keep-alive client can send its next request on the same connection;
 * past 16 MiB (or a Content-Length saying so) the connection is closed instead.
 */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > MAX_DRAINED_BYTES) throw tooLarge(true);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_DRAINED_BYTES) throw tooLarge(true);
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) throw tooLarge(false);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, "BadRequest", `the request body is not JSON: ${(error as Error).message}`);
  }
}

function tooLarge(closeConnection: boolean): HttpError {
  return new HttpError(413, "BodyTooLarge", `the request body is larger than ${MAX_BODY_BYTES} bytes`, closeConnection);
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  response.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/** Answers a failure as JSON; a request whose body was left unread closes its connection. */
export function sendError(response: ServerResponse, error: unknown): void {
  const { status, body } = errorReply(error);
  const headers = error instanceof HttpError ? { ...error.headers, ...(error.closeConnection && { connection: "close" }) } : {};
  sendJson(response, status, body, headers);
}

const STATUS_OF_KIND: Partial<Record<PluginErrorKind, number>> = {
  PluginUnavailableError: 404,
  PluginNotFoundError: 404,
  PluginNotImplementedError: 501,
  PluginTimeoutError: 504,
  PluginBusyError: 503,
};

/** The status and JSON body of a failure: plugin errors by kind (502 for the plugin's own), others 500. */
export function errorReply(error: unknown): { status: number; body: { error: { kind: string; message: string } } } {
  if (error instanceof HttpError) return { status: error.status, body: { error: { kind: error.kind, message: error.message } } };
  if (error instanceof PluginError) {
    return { status: STATUS_OF_KIND[error.kind] ?? 502, body: { error: { kind: error.kind, message: error.message } } };
  }
  return { status: 500, body: { error: { kind: "InternalError", message: (error as Error)?.message ?? String(error) } } };
}
