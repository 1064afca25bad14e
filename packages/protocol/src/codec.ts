import { type BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";

/** What every generated message object offers: protobuf binary and JSON codecs. */
export interface MessageCodec<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
  decode(input: BinaryReader | Uint8Array, length?: number): T;
  fromJSON(object: unknown): T;
  toJSON(message: T): unknown;
  create(base?: unknown): T;
  fromPartial(object: unknown): T;
}

/** One rpc of a generated service definition. */
export interface MethodDefinition<Req = any, Res = any> {
  readonly name: string;
  readonly requestType: MessageCodec<Req>;
  readonly responseType: MessageCodec<Res>;
}

/** A generated service definition (ts-proto `generic-definitions`). */
export interface ServiceDefinition {
  readonly name: string;
  readonly fullName: string;
  readonly methods: { readonly [key: string]: MethodDefinition };
}

// One writer for every encode on this thread: `finish()` copies the bytes out and resets it,
// so its buffer is allocated once instead of once per message.
let sharedWriter: BinaryWriter | undefined;

/** Encodes a message to the bytes that cross the WebAssembly boundary. */
export function encodeMessage<T>(codec: MessageCodec<T>, message: T): Uint8Array {
  const writer = sharedWriter ?? new BinaryWriter();
  sharedWriter = undefined;
  const bytes = codec.encode(message, writer).finish();
  // Only a writer that finished cleanly is reused: one that threw may hold half a message.
  sharedWriter = writer;
  return bytes;
}
