/**
 * The UTF-8 text of a stream, read only up to `limit` bytes: past that, reading stops (a
 * web stream is cancelled) and `tooLarge()` is thrown, so a large input is never held whole.
 */
export async function readBoundedText(
  stream: AsyncIterable<Uint8Array | string>,
  limit: number,
  tooLarge: () => Error,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.from(chunk);
    size += bytes.byteLength;
    if (size > limit) throw tooLarge();
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString("utf8");
}
