import { NdpError } from "./errors.js";

/** Node provides WebAssembly as a global; the ES2022 lib and @types/node do not declare it. */
declare const WebAssembly: { validate(bytes: Uint8Array): boolean };

const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Refuses anything but a valid WebAssembly core module (binary format version 1). */
export function checkWebAssembly(bytes: Uint8Array): void {
  const hasHeader =
    bytes.length >= WASM_HEADER.length && WASM_HEADER.every((byte, index) => bytes[index] === byte);
  if (!hasHeader) {
    throw new NdpError(
      "not-wasm",
      "plugin.wasm is not a WebAssembly module: it does not start with the magic \"\\0asm\" and version 1",
      "plugin.wasm",
    );
  }
  if (!WebAssembly.validate(bytes)) {
    throw new NdpError(
      "not-wasm",
      "plugin.wasm has a WebAssembly header but is not a valid module (WebAssembly.validate failed)",
      "plugin.wasm",
    );
  }
}
