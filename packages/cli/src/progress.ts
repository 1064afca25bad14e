import type { OutputStream } from "./io.js";

/** A one-line status on a terminal's stderr, overwritten in place; silent when stderr is not a TTY. */
export interface Progress {
  step(message: string): void;
  done(): void;
}

export function progress(stderr: OutputStream): Progress {
  if (!stderr.isTTY) return { step() {}, done() {} };
  return {
    step: (message) => void stderr.write(`\r\x1b[2K${message}…`),
    done: () => void stderr.write("\r\x1b[2K"),
  };
}
