import { describe, expect, test } from "vitest";
import { LogLines, MAX_LOG_LINE_BYTES } from "../src/threads/worker/log-lines.js";

function collect(write: (lines: LogLines) => void): string[] {
  const out: string[] = [];
  const lines = new LogLines((line) => out.push(line));
  write(lines);
  lines.flush();
  return out;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe("log lines", () => {
  test("a line split over several writes comes out whole; the unfinished one at the end of the call", () => {
    expect(collect((lines) => ["he", "llo\nwor", "ld\n\nlast"].forEach((part) => lines.push(bytes(part))))).toEqual([
      "hello",
      "world",
      "",
      "last",
    ]);
  });

  test("a cut never splits a character: the bytes of a partial one count as cut", () => {
    // 8191 ASCII bytes, then "€" (3 bytes) straddling the limit.
    const [line] = collect((lines) => lines.push(bytes(`${"a".repeat(MAX_LOG_LINE_BYTES - 1)}€€\n`)));
    expect(line).toBe(`${"a".repeat(MAX_LOG_LINE_BYTES - 1)} [… 6 bytes cut: lines are at most 8192 bytes]`);
  });

  test("a line of exactly the limit is not cut", () => {
    expect(collect((lines) => lines.push(bytes(`${"é".repeat(MAX_LOG_LINE_BYTES / 2)}\n`))))
      .toEqual(["é".repeat(MAX_LOG_LINE_BYTES / 2)]);
  });

  test("the line budget starts again with each call", () => {
    const out: string[] = [];
    const lines = new LogLines((line) => out.push(line));
    lines.push(bytes("x\n".repeat(1001)));
    lines.flush();
    lines.push(bytes("y\n"));
    lines.flush();
    expect(out.slice(-2)).toEqual(["[1 more lines cut: at most 1000 per call]", "y"]);
  });
});
