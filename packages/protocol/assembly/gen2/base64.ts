// Standard base64 with padding: how Go's encoding/json writes []byte.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function encodeBase64(bytes: Uint8Array): string {
  const parts = new Array<string>();
  for (let i = 0; i < bytes.length; i += 3) {
    const remaining = bytes.length - i;
    const chunk = (<u32>bytes[i] << 16) | (remaining > 1 ? <u32>bytes[i + 1] << 8 : 0) | (remaining > 2 ? <u32>bytes[i + 2] : 0);
    parts.push(ALPHABET.charAt((chunk >> 18) & 63) + ALPHABET.charAt((chunk >> 12) & 63));
    parts.push(remaining > 1 ? ALPHABET.charAt((chunk >> 6) & 63) : "=");
    parts.push(remaining > 2 ? ALPHABET.charAt(chunk & 63) : "=");
  }
  return parts.join("");
}

function sextet(c: i32): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c == 0x2b) return 62;
  if (c == 0x2f) return 63;
  return -1;
}

/** Decodes base64 (padding optional); null when the text is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  let length = text.length;
  while (length > 0 && text.charCodeAt(length - 1) == 0x3d) length--;
  if (length % 4 == 1 || text.length - length > 2) return null;
  const bytes = new Uint8Array((length * 3) >> 2);
  let bits: u32 = 0;
  let count = 0;
  let out = 0;
  for (let i = 0; i < length; i++) {
    const value = sextet(text.charCodeAt(i));
    if (value < 0) return null;
    bits = (bits << 6) | <u32>value;
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes[out++] = <u8>(bits >> count);
    }
  }
  return bytes;
}
