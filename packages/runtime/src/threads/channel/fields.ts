const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Joins strings and a trailing byte payload into one message: [u32 length, utf8]... then bytes. */
export function packFields(strings: readonly string[], bytes: Uint8Array = new Uint8Array()): Uint8Array {
  const encoded = strings.map((s) => encoder.encode(s));
  const out = new Uint8Array(encoded.reduce((n, e) => n + 4 + e.length, 0) + bytes.length);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const e of encoded) {
    view.setUint32(offset, e.length, true);
    out.set(e, offset + 4);
    offset += 4 + e.length;
  }
  out.set(bytes, offset);
  return out;
}

/** Splits what `packFields` joined: `count` strings, then the remaining bytes. */
export function unpackFields(message: Uint8Array, count: number): { strings: string[]; bytes: Uint8Array } {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const strings: string[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(offset, true);
    strings.push(decoder.decode(message.subarray(offset + 4, offset + 4 + length)));
    offset += 4 + length;
  }
  return { strings, bytes: message.subarray(offset) };
}

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
