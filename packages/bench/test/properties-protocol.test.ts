import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CAPABILITIES, ERROR_BIT, HOST_SERVICES, packPtrLen, unpackPtrLen, type MessageCodec } from "@nd/protocol";
import { PROPERTY_TIMEOUT_MS, runs } from "./support/runs.js";

/** Every message type that crosses the boundary, named for the failure report. */
function everyMessageType(): Array<[string, MessageCodec<unknown>]> {
  const types = new Map<string, MessageCodec<unknown>>();
  for (const capability of Object.values(CAPABILITIES)) {
    for (const method of Object.values(capability.methods)) {
      types.set(`${capability.name}.${method.name} request`, method.requestType);
      types.set(`${capability.name}.${method.name} response`, method.responseType);
    }
  }
  for (const service of Object.values(HOST_SERVICES)) {
    for (const fn of Object.values(service.functions)) {
      types.set(`${service.name}.${fn.name} request`, fn.requestType);
      types.set(`${service.name}.${fn.name} response`, fn.responseType);
    }
  }
  return [...types];
}

const messageTypes = everyMessageType();

describe("protobuf decoding of arbitrary bytes", () => {
  it("covers every capability and host function message", () => {
    const capabilityMethods = Object.values(CAPABILITIES).flatMap((c) => Object.values(c.methods));
    const hostFunctions = Object.values(HOST_SERVICES).flatMap((s) => Object.values(s.functions));
    expect(messageTypes.length).toBe(2 * (capabilityMethods.length + hostFunctions.length));
  });

  it.each(messageTypes)("%s: decodes or throws an Error", (_name, codec) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        try {
          codec.decode(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: runs(300) },
    );
  }, PROPERTY_TIMEOUT_MS);

  it.each(messageTypes)("%s: a valid encoding with one byte changed decodes or throws an Error", (_name, codec) => {
    const valid = codec.encode(codec.fromPartial({})).finish();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (tail, at, value) => {
        const bytes = Uint8Array.from([...valid, ...tail]);
        bytes[at % bytes.length] = value;
        try {
          const message = codec.decode(bytes);
          // Whatever decoded must encode again: the decoder never builds a broken message.
          codec.encode(message as never).finish();
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: runs(100) },
    );
  }, PROPERTY_TIMEOUT_MS);
});

describe("ptr/len packing", () => {
  const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
  const length = fc.integer({ min: 0, max: ERROR_BIT - 1 });

  it("round-trips every pointer, length and error flag, also through the signed i64 WebAssembly hands over", () => {
    fc.assert(
      fc.property(u32, length, fc.boolean(), (ptr, len, isError) => {
        const packed = packPtrLen(ptr, len, isError);
        expect(unpackPtrLen(packed)).toEqual({ ptr, len, isError });
        expect(unpackPtrLen(BigInt.asIntN(64, packed))).toEqual({ ptr, len, isError });
      }),
      { numRuns: runs(2_000) },
    );
  }, PROPERTY_TIMEOUT_MS);

  it("unpacks any i64 into a pointer and a length in range", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
        const { ptr, len, isError } = unpackPtrLen(value);
        expect(ptr).toBeGreaterThanOrEqual(0);
        expect(ptr).toBeLessThanOrEqual(0xffff_ffff);
        expect(len).toBeGreaterThanOrEqual(0);
        expect(len).toBeLessThan(ERROR_BIT);
        expect(packPtrLen(ptr, len, isError)).toBe(BigInt.asUintN(64, value));
      }),
      { numRuns: runs(2_000) },
    );
  }, PROPERTY_TIMEOUT_MS);

  it("refuses out-of-range pointers and lengths with a RangeError", () => {
    const outOfRange = fc.oneof(
      fc.integer({ min: -(2 ** 40), max: -1 }),
      fc.integer({ min: 2 ** 32, max: 2 ** 50 }),
      fc.double({ noInteger: true }),
    );
    fc.assert(
      fc.property(outOfRange, u32, (bad, good) => {
        expect(() => packPtrLen(bad, 0)).toThrow(RangeError);
        expect(() => packPtrLen(good, bad)).toThrow(RangeError);
      }),
      { numRuns: runs(1_000) },
    );
    expect(() => packPtrLen(0, ERROR_BIT)).toThrow(RangeError);
  }, PROPERTY_TIMEOUT_MS);
});
