import type { CliIo } from "./io.js";

/** Asks on stderr and reads one line of standard input; only "y" or "yes" (any case) is a yes. */
export async function askYesNo(io: CliIo, question: string): Promise<boolean> {
  io.stderr.write(`${question} [y/N] `);
  let line = "";
  for await (const chunk of io.stdin) {
    line += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    if (line.includes("\n")) break;
  }
  return /^\s*y(es)?\s*$/i.test(line.split("\n")[0]!);
}
