import type { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";

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

/** Encodes a message to the bytes that cross the WebAssembly boundary. */
export function encodeMessage<T>(codec: MessageCodec<T>, message: T): Uint8Array {
  return codec.encode(message).finish();
}
