// A parsed JSON document. Numbers keep their text, so 64-bit integers survive.

export enum JsonKind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

export class JsonValue {
  /** Array items, or object values in the order of `keys`. */
  readonly items: Array<JsonValue> = new Array<JsonValue>();
  readonly keys: Array<string> = new Array<string>();

  constructor(
    readonly kind: JsonKind,
    /** The string's value, or a number's text. */
    readonly text: string = "",
    readonly flag: bool = false,
  ) {}

  get isNull(): bool {
    return this.kind == JsonKind.Null;
  }

  get isObject(): bool {
    return this.kind == JsonKind.Object;
  }

  /** Items of an array (0 for anything else). */
  get length(): i32 {
    return this.kind == JsonKind.Array ? this.items.length : 0;
  }

  at(index: i32): JsonValue {
    return this.items[index];
  }

  /**
   * The value of an object's key, or JSON null when absent. An exact match wins; else keys
   * match case-insensitively, as Go's encoding/json decodes.
   */
  field(key: string): JsonValue {
    if (this.kind != JsonKind.Object) return NULL;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.items[i];
    const lower = key.toLowerCase();
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i].toLowerCase() == lower) return this.items[i];
    return NULL;
  }

  asString(): string {
    return this.kind == JsonKind.String ? this.text : "";
  }

  asBool(): bool {
    return this.kind == JsonKind.Bool && this.flag;
  }

  asF64(): f64 {
    return this.kind == JsonKind.Number ? F64.parseFloat(this.text) : 0;
  }

  asI64(): i64 {
    if (this.kind != JsonKind.Number) return 0;
    const text = this.text;
    const isInteger = text.indexOf(".") < 0 && text.indexOf("e") < 0 && text.indexOf("E") < 0;
    return isInteger ? I64.parseInt(text, 10) : <i64>F64.parseFloat(text);
  }
}

export const NULL = new JsonValue(JsonKind.Null);

/** Parses UTF-8 JSON text; null when it is not JSON. */
export function parseJson(utf8: Uint8Array): JsonValue | null {
  const parser = new Parser(String.UTF8.decodeUnsafe(utf8.dataStart, <usize>utf8.length));
  const value = parser.value();
  parser.skipSpace();
  return parser.failed || !parser.atEnd() ? null : value;
}

const MAX_DEPTH = 64;

class Parser {
  position: i32 = 0;
  depth: i32 = 0;
  failed: bool = false;

  constructor(private readonly source: string) {}

  atEnd(): bool {
    return this.position >= this.source.length;
  }

  skipSpace(): void {
    while (!this.atEnd()) {
      const c = this.peek();
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
      this.position++;
    }
  }

  value(): JsonValue {
    this.skipSpace();
    if (this.atEnd()) return this.fail();
    const c = this.peek();
    if (c == 0x7b) return this.object();
    if (c == 0x5b) return this.array();
    if (c == 0x22) return new JsonValue(JsonKind.String, this.string());
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.literal("true")) return new JsonValue(JsonKind.Bool, "", true);
    if (this.literal("false")) return new JsonValue(JsonKind.Bool, "", false);
    if (this.literal("null")) return NULL;
    return this.fail();
  }

  private peek(): i32 {
    return this.source.charCodeAt(this.position);
  }

  private fail(): JsonValue {
    this.failed = true;
    this.position = this.source.length;
    return NULL;
  }

  private expect(c: i32): bool {
    this.skipSpace();
    if (this.atEnd() || this.peek() != c) {
      this.fail();
      return false;
    }
    this.position++;
    return true;
  }

  private literal(word: string): bool {
    if (this.source.substr(this.position, word.length) != word) return false;
    this.position += word.length;
    return true;
  }

  private enter(): bool {
    if (++this.depth <= MAX_DEPTH) return true;
    this.fail();
    return false;
  }

  private object(): JsonValue {
    const result = new JsonValue(JsonKind.Object);
    this.position++;
    if (!this.enter()) return NULL;
    this.skipSpace();
    if (!this.atEnd() && this.peek() == 0x7d) {
      this.position++;
    } else {
      do {
        this.skipSpace();
        if (this.atEnd() || this.peek() != 0x22) return this.fail();
        const key = this.string();
        if (!this.expect(0x3a)) return NULL;
        result.keys.push(key);
        result.items.push(this.value());
        if (this.failed) return NULL;
        this.skipSpace();
      } while (!this.atEnd() && this.peek() == 0x2c && ++this.position > 0);
      if (!this.expect(0x7d)) return NULL;
    }
    this.depth--;
    return result;
  }

  private array(): JsonValue {
    const result = new JsonValue(JsonKind.Array);
    this.position++;
    if (!this.enter()) return NULL;
    this.skipSpace();
    if (!this.atEnd() && this.peek() == 0x5d) {
      this.position++;
    } else {
      do {
        result.items.push(this.value());
        if (this.failed) return NULL;
        this.skipSpace();
      } while (!this.atEnd() && this.peek() == 0x2c && ++this.position > 0);
      if (!this.expect(0x5d)) return NULL;
    }
    this.depth--;
    return result;
  }

  private number(): JsonValue {
    const start = this.position;
    while (!this.atEnd()) {
      const c = this.peek();
      const numeric = (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x2b || c == 0x2e || c == 0x65 || c == 0x45;
      if (!numeric) break;
      this.position++;
    }
    const text = this.source.substring(start, this.position);
    return isJsonNumber(text) ? new JsonValue(JsonKind.Number, text) : this.fail();
  }

  /** Reads a string token (the position is at its opening quote). */
  private string(): string {
    this.position++;
    const parts = new Array<string>();
    let start = this.position;
    while (!this.atEnd()) {
      const c = this.peek();
      if (c == 0x22) {
        parts.push(this.source.substring(start, this.position));
        this.position++;
        return parts.join("");
      }
      if (c < 0x20) break;
      if (c != 0x5c) {
        this.position++;
        continue;
      }
      parts.push(this.source.substring(start, this.position));
      const escaped = this.escape();
      if (escaped < 0) break;
      parts.push(String.fromCharCode(escaped));
      start = this.position;
    }
    this.fail();
    return "";
  }

  /** Reads one escape (the position is at its backslash): the UTF-16 unit, or -1. */
  private escape(): i32 {
    this.position++;
    if (this.atEnd()) return -1;
    const c = this.peek();
    this.position++;
    if (c == 0x22 || c == 0x5c || c == 0x2f) return c;
    if (c == 0x62) return 0x08;
    if (c == 0x66) return 0x0c;
    if (c == 0x6e) return 0x0a;
    if (c == 0x72) return 0x0d;
    if (c == 0x74) return 0x09;
    if (c != 0x75 || this.position + 4 > this.source.length) return -1;
    const hex = this.source.substr(this.position, 4);
    this.position += 4;
    const unit = I32.parseInt(hex, 16);
    return isHex(hex) ? unit : -1;
  }
}

function isHex(text: string): bool {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function digitsFrom(text: string, start: i32): i32 {
  let end = start;
  while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
  return end;
}

/** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
function isJsonNumber(text: string): bool {
  let i = text.length > 0 && text.charCodeAt(0) == 0x2d ? 1 : 0;
  const integerEnd = digitsFrom(text, i);
  if (integerEnd == i || (text.charCodeAt(i) == 0x30 && integerEnd > i + 1)) return false;
  i = integerEnd;
  if (i < text.length && text.charCodeAt(i) == 0x2e) {
    const fractionEnd = digitsFrom(text, i + 1);
    if (fractionEnd == i + 1) return false;
    i = fractionEnd;
  }
  if (i < text.length && (text.charCodeAt(i) | 0x20) == 0x65) {
    i++;
    if (i < text.length && (text.charCodeAt(i) == 0x2b || text.charCodeAt(i) == 0x2d)) i++;
    const exponentEnd = digitsFrom(text, i);
    if (exponentEnd == i) return false;
    i = exponentEnd;
  }
  return i == text.length;
}
