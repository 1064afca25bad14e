import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Set by CI (.ci/run): a test that needs redis-server fails instead of being skipped. */
const REQUIRE_REDIS_VARIABLE = "ND_REQUIRE_REDIS";

/**
 * Whether redis-server is on PATH. Otherwise prints one line saying what is skipped, or, with
 * ND_REQUIRE_REDIS=1, throws so the skip cannot go unnoticed.
 */
export function redisAvailableFor(what: string): boolean {
  if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0) return true;
  const message = `skipped ${what}: redis-server is not on PATH`;
  if (process.env[REQUIRE_REDIS_VARIABLE] === "1") {
    throw new Error(`${message}, and ${REQUIRE_REDIS_VARIABLE}=1 requires it; install redis-server (or valkey-server)`);
  }
  process.stderr.write(`${message} (they run with redis-server installed)\n`);
  return false;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TestRedis {
  readonly url: string;
  /** Stops the server (kept port and folder), as a crash would. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as a hung server. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

function waitForReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        child.stdout?.off("data", onData);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
}

/** A redis-server on 127.0.0.1, a free port and a temp folder, without persistence. */
export async function startRedis(): Promise<TestRedis> {
  const folder = mkdtempSync(join(tmpdir(), "nd-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start() {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await waitForReady(child);
  }

  async function stop() {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    pause: () => child?.kill("SIGSTOP"),
    resume: () => child?.kill("SIGCONT"),
    async close() {
      child?.kill("SIGCONT");
      await stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
