import type { Duplex } from "node:stream";

const STATUS_OF_CODE: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout"],
};

/**
 * Answers a request Node could not parse (or that timed out) with a JSON error like every
 * other, then closes the connection: what follows on it cannot be trusted.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const [status, reason] = STATUS_OF_CODE[error.code ?? ""] ?? [400, "Bad Request"];
  const body = `${JSON.stringify({ error: { kind: status === 400 ? "BadRequest" : reason.replace(/ /g, ""), message: `the request could not be read: ${error.message}` } })}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
