import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ERROR_BIT, packPtrLen, unpackPtrLen } from "../src/index.js";

// Node has WebAssembly as a global; the ES2022 lib and @types/node do not declare it.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
};

// A real WebAssembly function `echo(x: i64) -> i64`, written out byte by byte, so the
// values below are what a plugin's export hands to JavaScript: i64 arrives as a
// signed bigint, negative whenever bit 63 (bit 31 of the pointer) is set.
const echoModule = Uint8Array.of(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7e, 0x01, 0x7e, // type section: 1 type, func (i64) -> i64
  0x03, 0x02, 0x01, 0x00, //                         function section: 1 function of type 0
  0x07, 0x08, 0x01, 0x04, 0x65, 0x63, 0x68, 0x6f, 0x00, 0x00, // export "echo" = func 0
  0x0a, 0x06, 0x01, 0x04, 0x00, 0x20, 0x00, 0x0b, // code: no locals, local.get 0, end
);
const { echo } = new WebAssembly.Instance(new WebAssembly.Module(echoModule)).exports as {
  echo: (value: bigint) => bigint;
};

describe("packPtrLen", () => {
  test("puts the pointer in the high word and the length in the low word", () => {
    expect(packPtrLen(0x1234, 56)).toBe((0x1234n << 32n) | 56n);
    expect(packPtrLen(0, 0)).toBe(0n);
  });

  test("sets bit 31 of the low word for an error string", () => {
    expect(packPtrLen(16, 5, true)).toBe((16n << 32n) | 0x8000_0005n);
    expect(ERROR_BIT).toBe(0x8000_0000);
  });

  test.each([
    ["ptr", -1, 0, /ptr must be an integer from 0 to 4294967295, got -1/],
    ["ptr", 2 ** 32, 0, /ptr must be .* got 4294967296/],
    ["ptr", 1.5, 0, /ptr must be an integer/],
    ["ptr", Number.NaN, 0, /ptr .* got NaN/],
    ["len", 0, -1, /len must be an integer from 0 to 2147483647, got -1/],
    ["len", 0, 2 ** 31, /len must be .* got 2147483648/],
    ["len", 0, 0.5, /len must be an integer/],
  ])("rejects an out-of-range %s (%s, %s)", (_which, ptr, len, message) => {
    expect(() => packPtrLen(ptr, len)).toThrow(RangeError);
    expect(() => packPtrLen(ptr, len)).toThrow(message);
  });

  test("rejects a length that would collide with the error bit even for errors", () => {
    expect(() => packPtrLen(0, ERROR_BIT, true)).toThrow(RangeError);
  });
});

describe("unpackPtrLen", () => {
  test("reads back a packed result", () => {
    expect(unpackPtrLen(packPtrLen(0x1234, 56))).toEqual({ ptr: 0x1234, len: 56, isError: false });
  });

  test("reads the error bit and clears it from the length", () => {
    expect(unpackPtrLen(packPtrLen(16, 5, true))).toEqual({ ptr: 16, len: 5, isError: true });
  });

  test("reads 0, the result that means the plugin could not decode the request", () => {
    expect(unpackPtrLen(0n)).toEqual({ ptr: 0, len: 0, isError: false });
  });

  test("accepts the negative bigint WebAssembly returns when the pointer is 2^31 or more", () => {
    const fromWasm = echo(packPtrLen(0x8000_0000, 4));
    expect(fromWasm).toBe(-(2n ** 63n) + 4n);
    expect(unpackPtrLen(fromWasm)).toEqual({ ptr: 0x8000_0000, len: 4, isError: false });

    const highestError = echo(packPtrLen(0xffff_ffff, ERROR_BIT - 1, true));
    expect(highestError).toBe(-1n);
    expect(unpackPtrLen(highestError)).toEqual({ ptr: 0xffff_ffff, len: ERROR_BIT - 1, isError: true });
  });

  test("round-trips every pointer, length and error flag through WebAssembly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: 0, max: ERROR_BIT - 1 }),
        fc.boolean(),
        (ptr, len, isError) => {
          expect(unpackPtrLen(echo(packPtrLen(ptr, len, isError)))).toEqual({ ptr, len, isError });
        },
      ),
    );
  });
});
