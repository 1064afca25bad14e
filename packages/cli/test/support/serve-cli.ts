import { createServer } from "node:net";
import { runCli } from "@nd/cli";

export interface ServeRun {
  readonly url: string;
  stderr(): string;
  /** Asks `nd serve` to stop, as SIGINT would, and resolves with its exit code. */
  stop(): Promise<number>;
}

/** Runs `nd serve <args>` in-process on a free port until it answers; stderr is captured, as a terminal when `tty`. */
export async function serveCli(args: string[], { tty = false, env = {} }: { tty?: boolean; env?: Record<string, string> } = {}): Promise<ServeRun> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let stderr = "";
  let stop!: () => void;
  const exit = runCli(["serve", "--port", String(port), ...args], {
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text), isTTY: tty },
    env: { XDG_DATA_HOME: process.env.XDG_DATA_HOME ?? "", ...env },
    waitForStop: () => new Promise<void>((resolve) => (stop = resolve)),
  });
  for (;;) {
    const answered = await fetch(`${url}/api/plugins`, { headers: env.ND_SERVE_TOKEN ? { authorization: `Bearer ${env.ND_SERVE_TOKEN}` } : {} }).then(
      () => true,
      () => false,
    );
    if (answered) break;
    const early = await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 50))]);
    if (typeof early === "number") throw new Error(`nd serve exited with ${early}: ${stderr}`);
  }
  return {
    url,
    stderr: () => stderr,
    stop: () => {
      stop();
      return exit;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
