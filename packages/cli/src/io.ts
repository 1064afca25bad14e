import { terminalSafe, terminalSafeJson } from "./terminal-text.js";

/** Where a command writes, and what it reads from its environment. */
export interface CliIo {
  /** Read by commands that take `-` for standard input (`nd plugin call ... -`), and for answers when it is a terminal. */
  readonly stdin: AsyncIterable<Uint8Array | string> & { readonly isTTY?: boolean };
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative paths. */
  readonly cwd: string;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); `nd serve` runs until then. */
  waitForStop(): Promise<void>;
}

export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Writes one line (or several), with control characters shown as escapes (see terminalSafe). */
export function writeLine(stream: OutputStream, line = ""): void {
  stream.write(`${terminalSafe(line)}\n`);
}

export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(`${terminalSafeJson(JSON.stringify(value, null, 2))}\n`);
}
