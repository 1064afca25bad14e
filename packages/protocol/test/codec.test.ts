import { expect, test } from "vitest";
import { encodeMessage, http } from "../src/index.js";

test("encodeMessage returns the finished bytes of a message", () => {
  const message = http.HttpRequest.fromPartial({ url: "http://h/", timeoutMs: 5 });
  const bytes = encodeMessage(http.HttpRequest, message);
  expect(bytes).toBeInstanceOf(Uint8Array);
  expect([...bytes]).toEqual([0x0a, 0x09, ...Buffer.from("http://h/"), 0x18, 0x05]);
  expect(http.HttpRequest.decode(bytes)).toEqual(message);
});
