import wabt from "wabt";

const toolkit = await wabt();

/** What an export answers: protobuf bytes of the response, or an error string. */
export type Answer = Uint8Array | { error: string };

export interface WatPluginSpec {
  /** Export prefixes whose `<prefix>api_version` returns 1, e.g. "metadata_agent_". */
  readonly prefixes?: readonly string[];
  /** Export name → constant answer. */
  readonly answers?: Readonly<Record<string, Answer>>;
  /** Extra import declarations, e.g. `(import "env" "get" (func (param i32 i32) (result i64)))`. */
  readonly imports?: string;
  /** Extra functions, verbatim. */
  readonly body?: string;
}

const ERROR_BIT = 0x80000000;

/** A valid plugin module in WebAssembly text with constant answers and a bump allocator. */
export function watPlugin({ prefixes = ["metadata_agent_"], answers = {}, imports = "", body = "" }: WatPluginSpec): Uint8Array {
  let offset = 256;
  const parts: string[] = [];
  for (const [exportName, answer] of Object.entries(answers)) {
    const bytes = answer instanceof Uint8Array ? answer : new TextEncoder().encode(answer.error);
    const length = answer instanceof Uint8Array ? bytes.length : (bytes.length | ERROR_BIT) >>> 0;
    parts.push(`(data (i32.const ${offset}) "${escape(bytes)}")`);
    parts.push(`(func (export "${exportName}") (param i32 i32) (result i64) (call $pack (i32.const ${offset}) (i32.const ${length | 0})))`);
    offset += bytes.length + 16;
  }
  const source = `(module
    ${imports}
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 4096))
    (func (export "malloc") (param $size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get $size)))
      (local.get $ptr))
    (func (export "free") (param i32))
    (func $pack (param $ptr i32) (param $len i32) (result i64)
      (i64.or (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32)) (i64.extend_i32_u (local.get $len))))
    ${prefixes.map((prefix) => `(func (export "${prefix}api_version") (result i64) (i64.const 1))`).join("\n")}
    ${parts.join("\n")}
    ${body})`;
  return toolkit.parseWat("plugin.wat", source).toBinary({}).buffer;
}

function escape(bytes: Uint8Array): string {
  return [...bytes].map((byte) => `\\${byte.toString(16).padStart(2, "0")}`).join("");
}

/** Protobuf bytes of a message whose only field is string field 1 (biography, url, mbid...). */
export function stringField1(value: string): Uint8Array {
  const text = new TextEncoder().encode(value);
  if (text.length > 127) throw new RangeError("keep test strings short");
  return Uint8Array.from([0x0a, text.length, ...text]);
}
