import type { Redis } from "ioredis";
import { StoreError } from "../errors.js";
import type { Logger } from "../options.js";
import { CommandDeadlines } from "./command-deadlines.js";
import { KV_SCRIPTS } from "./redis-kv-scripts.js";
import { TASK_SCRIPTS } from "./redis-task-scripts.js";

type ScriptName = keyof typeof KV_SCRIPTS | keyof typeof TASK_SCRIPTS;
type ScriptArgument = string | number | Buffer | Uint8Array;
/** A Lua script bound to the connection: keys first, then arguments. */
export type Script = (...keysAndArguments: ScriptArgument[]) => Promise<unknown>;

export interface RedisConnection {
  readonly redis: Redis;
  /** The script by name; `binary` answers Buffers rather than strings (values, payloads). */
  script(name: ScriptName, binary?: boolean): Script;
  /** A command's answer, or a StoreError when the server fails it or does not answer within the timeout. */
  run<T>(command: Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Every script takes four keys (see the scripts files). */
const SCRIPT_KEY_COUNT = 4;

/** The URL without its user name and password, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return "(an unparsable URL)";
  }
}

/**
 * One connection to Redis or Valkey for every plugin of the host. A command that cannot be answered
 * within `timeoutMs` (the server is down or unreachable) fails with a StoreError; the client keeps
 * reconnecting, so calls work again once the server is back.
 */
export async function connectRedis(url: string, timeoutMs: number, logger: Logger): Promise<RedisConnection> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, {
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  reportOutages(redis, redactedUrl(url), logger);
  for (const [name, lua] of Object.entries({ ...KV_SCRIPTS, ...TASK_SCRIPTS })) {
    redis.defineCommand(name, { lua, numberOfKeys: SCRIPT_KEY_COUNT });
  }
  const commands = redis as unknown as Record<string, Script>;
  const deadlines = new CommandDeadlines(timeoutMs);
  const run = <T>(command: Promise<T>) => unavailableOnFailure(deadlines.guard(command));
  return {
    redis,
    run,
    script(name, binary = false) {
      const command = commands[binary ? `${name}Buffer` : name]!.bind(redis);
      return (...keysAndArguments) => run(command(...keysAndArguments));
    },
    async close() {
      redis.disconnect();
    },
  };
}

/** One warning when the connection is lost and one line when it is back, not one per reconnect attempt. */
function reportOutages(redis: Redis, store: string, logger: Logger): void {
  let lost = false;
  redis.on("error", (error: Error) => {
    if (lost) return;
    lost = true;
    logger.warn("shared store unreachable; kvstore and task calls fail until it is back", { store, error: error.message });
  });
  redis.on("ready", () => {
    if (!lost) return;
    lost = false;
    logger.info("shared store reachable again", { store });
  });
}

/** Turns a connection failure or timeout into a StoreError that names no credentials. */
async function unavailableOnFailure<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError("unavailable", `store unavailable: ${reason}`, { cause: error });
  }
}
