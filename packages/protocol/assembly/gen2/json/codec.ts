// Readers and writers of one JSON value, for the generated classes: a reader takes a
// value (JSON null when a key is absent) and never fails, answering the zero value for a
// value of another type, as a lenient Go decoder would leave the field unset.
import { decodeBase64, encodeBase64 } from "../base64";
import { JsonValue } from "./value";
import { JsonWriter } from "./writer";

export function readString(value: JsonValue): string {
  return value.asString();
}

export function readBool(value: JsonValue): bool {
  return value.asBool();
}

export function readI32(value: JsonValue): i32 {
  return <i32>value.asI64();
}

export function readU32(value: JsonValue): u32 {
  return <u32>value.asI64();
}

export function readI64(value: JsonValue): i64 {
  return value.asI64();
}

export function readF32(value: JsonValue): f32 {
  return <f32>value.asF64();
}

export function readF64(value: JsonValue): f64 {
  return value.asF64();
}

export function readBytes(value: JsonValue): Uint8Array {
  const bytes = decodeBase64(value.asString());
  return bytes === null ? new Uint8Array(0) : bytes;
}

export function readArray<T>(value: JsonValue, read: (item: JsonValue) => T): Array<T> {
  const items = new Array<T>();
  for (let i = 0; i < value.length; i++) items.push(read(value.at(i)));
  return items;
}

export function readMap<T>(value: JsonValue, read: (item: JsonValue) => T): Map<string, T> {
  const map = new Map<string, T>();
  if (!value.isObject) return map;
  for (let i = 0; i < value.keys.length; i++) map.set(value.keys[i], read(value.items[i]));
  return map;
}

export function writeString(w: JsonWriter, value: string): void {
  w.string(value);
}

export function writeBool(w: JsonWriter, value: bool): void {
  w.bool(value);
}

export function writeI32(w: JsonWriter, value: i32): void {
  w.int(value);
}

export function writeU32(w: JsonWriter, value: u32): void {
  w.uint(value);
}

export function writeI64(w: JsonWriter, value: i64): void {
  w.int(value);
}

export function writeF32(w: JsonWriter, value: f32): void {
  w.float32(value);
}

export function writeF64(w: JsonWriter, value: f64): void {
  w.float(value);
}

export function writeBytes(w: JsonWriter, value: Uint8Array): void {
  w.string(encodeBase64(value));
}

export function writeArray<T>(w: JsonWriter, items: Array<T>, write: (w: JsonWriter, item: T) => void): void {
  w.beginArray();
  for (let i = 0; i < items.length; i++) write(w, items[i]);
  w.endArray();
}

export function writeMap<T>(w: JsonWriter, map: Map<string, T>, write: (w: JsonWriter, item: T) => void): void {
  w.beginObject();
  const keys = map.keys().sort(); // as Go writes maps
  for (let i = 0; i < keys.length; i++) {
    w.key(keys[i]);
    write(w, map.get(keys[i]));
  }
  w.endObject();
}
