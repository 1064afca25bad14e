import { MessageChannel } from "node:worker_threads";
import { afterEach, describe, expect, test } from "vitest";
import { ByteRing } from "../src/threads/channel/byte-ring.js";

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const channel of channels.splice(0)) channel.port1.close();
});

/** A writer and a reader over the same shared memory, as the manager and a worker hold them. */
function ringPair(capacity: number, maxInline: number) {
  const buffer = new SharedArrayBuffer(16 + capacity);
  const counters = new Int32Array(buffer, 0, 4);
  const ports = new MessageChannel();
  channels.push(ports);
  const region = { buffer, offset: 16, capacity };
  return {
    writer: new ByteRing(counters, { written: 0, read: 1 }, region, ports.port1, maxInline),
    reader: new ByteRing(counters, { written: 0, read: 1 }, region, ports.port2, maxInline),
  };
}

const bytes = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);

describe("ByteRing", () => {
  test("messages come out in order, with their kind and bytes, across many wraps of the ring", () => {
    const { writer, reader } = ringPair(1024, 256);
    const received: number[] = [];
    const drain = () => {
      for (let m = reader.read(); m; m = reader.read()) {
        expect(m.payload).toEqual(bytes(m.kind % 200, m.kind));
        received.push(m.kind);
      }
    };
    for (let i = 0; i < 500; i++) {
      expect(writer.write(i, bytes(i % 200, i))).toBeDefined();
      if (i % 3 === 2) drain();
    }
    drain();
    expect(received).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  test("a full ring refuses a write until the reader frees room, and loses nothing", () => {
    const { writer, reader } = ringPair(1024, 256);
    const written: number[] = [];
    while (writer.write(written.length, bytes(100, written.length))) written.push(written.length);
    expect(written.length).toBeGreaterThan(3);
    expect(reader.read()).toEqual({ kind: 0, payload: bytes(100, 0), tag: 0 });
    expect(writer.write(99, bytes(100, 99))).toBeDefined();
    const rest = [];
    for (let m = reader.read(); m; m = reader.read()) rest.push(m.kind);
    expect(rest).toEqual([...written.slice(1), 99]);
  });

  test("payloads above the inline limit travel on the port and keep their place in line, with their tags", () => {
    const { writer, reader } = ringPair(1024, 64);
    writer.write(1, bytes(10, 1), 7);
    writer.write(2, bytes(5000, 2), -5);
    writer.write(3, bytes(20, 3), 2 ** 31 - 1);
    expect([reader.read(), reader.read(), reader.read()]).toEqual([
      { kind: 1, payload: bytes(10, 1), tag: 7 },
      { kind: 2, payload: bytes(5000, 2), tag: -5 },
      { kind: 3, payload: bytes(20, 3), tag: 2 ** 31 - 1 },
    ]);
  });

  test("a withdrawn record is skipped, its overflow payload too; a record already read cannot be withdrawn", () => {
    const { writer, reader } = ringPair(1024, 64);
    const first = writer.write(1, bytes(8, 1))!;
    const second = writer.write(2, bytes(5000, 2))!;
    writer.write(3, bytes(8, 3));
    expect(reader.read()?.kind).toBe(1);
    expect(writer.withdraw(first)).toBe(false);
    expect(writer.withdraw(second)).toBe(true);
    expect(writer.withdraw(second)).toBe(false);
    expect(reader.read()).toEqual({ kind: 3, payload: bytes(8, 3), tag: 0 });
    expect(reader.read()).toBeUndefined();
  });

  test("capacityFor leaves room for that many of the largest inline records", () => {
    const capacity = ByteRing.capacityFor(8, 1000);
    const { writer } = ringPair(capacity, 1000);
    for (let i = 0; i < 8; i++) expect(writer.write(i, bytes(1000, i))).toBeDefined();
  });
});
