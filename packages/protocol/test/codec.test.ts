import { expect, test } from "vitest";
import { encodeMessage, http } from "../src/index.js";

test("encodeMessage returns the finished bytes of a message", () => {
  const message = http.HttpRequest.fromPartial({ url: "http://h/", timeoutMs: 5 });
  const bytes = encodeMessage(http.HttpRequest, message);
  expect(bytes).toBeInstanceOf(Uint8Array);
  expect([...bytes]).toEqual([0x0a, 0x09, ...Buffer.from("http://h/"), 0x18, 0x05]);
  expect(http.HttpRequest.decode(bytes)).toEqual(message);
});

test("encodeMessage reuses its writer safely: earlier results stay intact, a failed encode leaves nothing behind", () => {
  const first = encodeMessage(http.HttpRequest, http.HttpRequest.fromPartial({ url: "http://first/" }));
  const big = encodeMessage(http.HttpRequest, http.HttpRequest.fromPartial({ url: "http://x/", body: new Uint8Array(1000).fill(7) }));
  expect(http.HttpRequest.decode(first).url).toBe("http://first/");
  expect(http.HttpRequest.decode(big).body).toEqual(new Uint8Array(1000).fill(7));
  const broken = { url: "http://half/", headers: { a: "b" }, timeoutMs: 1, body: 42 } as unknown as http.HttpRequest;
  expect(() => encodeMessage(http.HttpRequest, broken)).toThrow();
  const after = encodeMessage(http.HttpRequest, http.HttpRequest.fromPartial({ url: "http://after/" }));
  expect(http.HttpRequest.decode(after)).toEqual(http.HttpRequest.fromPartial({ url: "http://after/" }));
});
