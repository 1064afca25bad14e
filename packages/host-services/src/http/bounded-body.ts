/** Reads a response body, failing as soon as it grows past `limit` bytes. */
export async function readBoundedBody(
  body: AsyncIterable<Uint8Array> & { destroy(error?: Error): unknown },
  limit: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      body.destroy();
      throw new ResponseTooLargeError(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export class ResponseTooLargeError extends Error {
  constructor(limit: number) {
    super(`response body is larger than the limit of ${limit} bytes`);
    this.name = "ResponseTooLargeError";
  }
}
