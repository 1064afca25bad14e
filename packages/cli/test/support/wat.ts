import { watPlugin as moduleWithBody } from "@nd/testing";

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

/** A valid plugin module in WebAssembly text (@nd/testing's skeleton) with constant answers. */
export function watPlugin({ prefixes = ["metadata_agent_"], answers = {}, imports = "", body = "" }: WatPluginSpec): Uint8Array {
  let offset = 256;
  const parts: string[] = [];
  for (const [exportName, answer] of Object.entries(answers)) {
    const bytes = answer instanceof Uint8Array ? answer : new TextEncoder().encode(answer.error);
    const length = answer instanceof Uint8Array ? bytes.length : (bytes.length | ERROR_BIT) >>> 0;
    parts.push(`(data (i32.const ${offset}) "${watBytes(bytes)}")`);
    parts.push(`(func (export "${exportName}") (param i32 i32) (result i64) (call $pack (i32.const ${offset}) (i32.const ${length | 0})))`);
    offset += bytes.length + 16;
  }
  return moduleWithBody(`${parts.join("\n")}\n${body}`, { imports, prefixes, memoryPages: 1, heapStart: 4096 });
}

/** Bytes as the contents of a WAT string literal. */
export function watBytes(bytes: Uint8Array): string {
  return [...bytes].map((byte) => `\\${byte.toString(16).padStart(2, "0")}`).join("");
}

/** Protobuf bytes of a message whose only field is string field 1 (biography, url, mbid...). */
export function stringField1(value: string): Uint8Array {
  const text = new TextEncoder().encode(value);
  if (text.length > 127) throw new RangeError("keep test strings short");
  return Uint8Array.from([0x0a, text.length, ...text]);
}
