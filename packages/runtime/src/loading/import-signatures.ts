import { ByteReader } from "./wasm-sections.js";

const HEADER_BYTES = 8;
const TYPE_SECTION = 1;
const IMPORT_SECTION = 2;
const FUNC_TYPE = 0x60;
const IMPORT_FUNCTION = 0;
const IMPORT_TABLE = 1;
const IMPORT_MEMORY = 2;
const IMPORT_GLOBAL = 3;
const VALUE_TYPES: Readonly<Record<number, string>> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref" };

/**
 * The signature of each function a module imports, keyed `<module>\0<name>`, written as the
 * ABI tables write them (`(i64, i32) -> ()`). WebAssembly's JavaScript API does not tell
 * import types, so they are read from the binary. Undefined when the module uses type
 * encodings beyond plain function types (the engine's own link check then decides).
 */
export function functionImportSignatures(wasm: Uint8Array): Map<string, string> | undefined {
  try {
    const types: string[] = [];
    const signatures = new Map<string, string>();
    const reader = new ByteReader(wasm, HEADER_BYTES);
    while (reader.offset < wasm.length) {
      const id = reader.byte();
      const end = reader.u32() + reader.offset;
      if (id === TYPE_SECTION) readTypes(new ByteReader(wasm, reader.offset), types);
      if (id === IMPORT_SECTION) readImports(new ByteReader(wasm, reader.offset), types, signatures);
      reader.offset = end;
    }
    return signatures;
  } catch {
    return undefined;
  }
}

function readTypes(reader: ByteReader, types: string[]): void {
  for (let count = reader.u32(); count > 0; count--) {
    if (reader.byte() !== FUNC_TYPE) throw new Error("not a plain function type");
    const params = valueTypes(reader);
    const results = valueTypes(reader);
    types.push(`(${params.join(", ")}) -> ${results.length === 1 ? results[0] : `(${results.join(", ")})`}`);
  }
}

function valueTypes(reader: ByteReader): string[] {
  return Array.from({ length: reader.u32() }, () => {
    const type = VALUE_TYPES[reader.byte()];
    if (!type) throw new Error("unknown value type");
    return type;
  });
}

function readImports(reader: ByteReader, types: readonly string[], signatures: Map<string, string>): void {
  for (let count = reader.u32(); count > 0; count--) {
    const module = name(reader);
    const field = name(reader);
    const kind = reader.byte();
    if (kind === IMPORT_FUNCTION) {
      signatures.set(`${module}\0${field}`, types[reader.u32()] ?? "?");
    } else if (kind === IMPORT_TABLE) {
      reader.byte();
      limits(reader);
    } else if (kind === IMPORT_MEMORY) {
      limits(reader);
    } else if (kind === IMPORT_GLOBAL) {
      reader.byte();
      reader.byte();
    } else {
      throw new Error("unknown import kind");
    }
  }
}

function name(reader: ByteReader): string {
  const length = reader.u32();
  const bytes = Array.from({ length }, () => reader.byte());
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

function limits(reader: ByteReader): void {
  const flags = reader.byte();
  reader.u32();
  if (flags & 1) reader.u32();
}
