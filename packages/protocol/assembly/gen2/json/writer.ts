// Writes compact JSON text, the way Go's encoding/json does (< > & escaped as \u003c...).

const HEX = "0123456789abcdef";

export class JsonWriter {
  private readonly parts: Array<string> = new Array<string>();
  /** Whether the innermost open object or array already holds a value. */
  private readonly filled: Array<bool> = new Array<bool>();

  beginObject(): void {
    this.beforeValue();
    this.parts.push("{");
    this.filled.push(false);
  }

  endObject(): void {
    this.filled.pop();
    this.parts.push("}");
  }

  beginArray(): void {
    this.beforeValue();
    this.parts.push("[");
    this.filled.push(false);
  }

  endArray(): void {
    this.filled.pop();
    this.parts.push("]");
  }

  /** Writes an object key; the next call writes its value. */
  key(name: string): void {
    this.beforeValue();
    this.parts.push(quote(name));
    this.parts.push(":");
    this.filled[this.filled.length - 1] = false;
  }

  string(value: string): void {
    this.raw(quote(value));
  }

  bool(value: bool): void {
    this.raw(value ? "true" : "false");
  }

  int(value: i64): void {
    this.raw(value.toString());
  }

  uint(value: u64): void {
    this.raw(value.toString());
  }

  /** A float64; non-finite values, which JSON cannot hold, are written as 0. */
  float(value: f64): void {
    this.raw(isWhole(value) ? (<i64>value).toString() : isFinite(value) ? value.toString() : "0");
  }

  /** A float32, with the shortest digits that read back as the same float32 (0.1, not 0.100000001). */
  float32(value: f32): void {
    this.raw(isWhole(value) ? (<i64>value).toString() : isFinite(value) ? value.toString() : "0");
  }

  null(): void {
    this.raw("null");
  }

  toString(): string {
    return this.parts.join("");
  }

  toBytes(): Uint8Array {
    return Uint8Array.wrap(String.UTF8.encode(this.toString()));
  }

  private raw(text: string): void {
    this.beforeValue();
    this.parts.push(text);
  }

  private beforeValue(): void {
    const depth = this.filled.length;
    if (depth == 0) return;
    if (this.filled[depth - 1]) this.parts.push(",");
    else this.filled[depth - 1] = true;
  }
}

function isWhole<T extends number>(value: T): bool {
  return isFinite(value) && value == Math.trunc(<f64>value) && Math.abs(<f64>value) < 1e15;
}

function quote(value: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const plain = c >= 0x20 && c != 0x22 && c != 0x5c && c != 0x3c && c != 0x3e && c != 0x26 && c != 0x2028 && c != 0x2029;
    if (plain) continue;
    out += value.substring(start, i) + escape(c);
    start = i + 1;
  }
  return out + value.substring(start) + '"';
}

function escape(c: i32): string {
  if (c == 0x22) return '\\"';
  if (c == 0x5c) return "\\\\";
  if (c == 0x0a) return "\\n";
  if (c == 0x0d) return "\\r";
  if (c == 0x09) return "\\t";
  return "\\u" + HEX.charAt((c >> 12) & 15) + HEX.charAt((c >> 8) & 15) + HEX.charAt((c >> 4) & 15) + HEX.charAt(c & 15);
}
