// Packing of the i64 that crosses the WebAssembly boundary: ptr << 32 | len,
// with bit 31 of the low word set when the bytes are a UTF-8 error string.
import { Result } from "./result";

export const API_VERSION: i64 = 1;

const ERROR_BIT: u64 = 0x8000_0000;
const MAX_LENGTH: usize = 0x7fff_ffff;

function pack(ptr: usize, length: usize, isError: bool): i64 {
  const low = <u64>length | (isError ? ERROR_BIT : 0);
  return <i64>((<u64>ptr << 32) | low);
}

/** Copies bytes into a block the host frees after reading it. */
function handOver(pointer: usize, length: usize, isError: bool): i64 {
  const block = heap.alloc(length); // a real pointer even for 0 bytes: 0 would mean "undecodable"
  memory.copy(block, pointer, length);
  return pack(block, length, isError);
}

/** Answers the host with an error string. */
export function answerError(message: string): i64 {
  const utf8 = String.UTF8.encode(message);
  const length = min(<usize>utf8.byteLength, MAX_LENGTH);
  return handOver(changetype<usize>(utf8), length, true);
}

/** Answers the host with an encoded response, or with the result's error. */
export function answer<T>(result: Result<T>): i64 {
  const value = result.value;
  if (!result.isOk || value === null) {
    return answerError(result.isOk ? "plugin answered neither a response nor an error" : result.errorText);
  }
  const bytes = value.toBytes();
  return handOver(bytes.dataStart, <usize>bytes.length, false);
}

/** What a host function answered: a block of this module's memory, or an error. */
export class HostReply {
  readonly pointer: usize;
  readonly length: usize;
  readonly error: string | null;

  constructor(packed: i64, private readonly importName: string) {
    const bits = <u64>packed;
    const low = <usize>(bits & 0xffff_ffff);
    this.pointer = <usize>(bits >>> 32);
    this.length = low & MAX_LENGTH;
    this.error =
      (low & <usize>ERROR_BIT) != 0
        ? "env." + importName + ": " + String.UTF8.decodeUnsafe(this.pointer, this.length)
        : null;
  }

  /** Frees the host's block; call once the answer is decoded. */
  release(): void {
    if (this.pointer != 0) heap.free(this.pointer);
  }

  result<T>(decoded: T | null): Result<T> {
    const error = this.error;
    if (error !== null) return Result.fail<T>(error);
    if (decoded === null) return Result.fail<T>("env." + this.importName + ": the host's answer is not a valid message");
    return Result.ok<T>(decoded);
  }
}
