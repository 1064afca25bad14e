import type { Logger } from "@nd/runtime";
import { pino } from "pino";
import { prettyFactory } from "pino-pretty";
import { usageError } from "./errors.js";
import type { OutputStream } from "./io.js";
import { terminalSafe, terminalSafeFields } from "./terminal-text.js";

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A logger writing to `stream`: one JSON object per line (time, level, msg and the fields)
 * when piped, a readable coloured line with the time on a terminal.
 */
export function createLogger(stream: OutputStream, level: LogLevel = "info"): Logger {
  const pretty = stream.isTTY ? prettyFactory({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" }) : undefined;
  const destination = { write: (line: string) => void stream.write(pretty ? pretty(line) : line) };
  const log = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  // On a terminal the line is printed as text, so what a plugin logged is escaped first; JSON lines escape it themselves.
  const text = pretty ? terminalSafe : (message: string) => message;
  const fieldsOf = (fields: Record<string, unknown> | undefined) => (pretty ? (terminalSafeFields(fields ?? {}) as object) : (fields ?? {}));
  return {
    debug: (message, fields) => log.debug(fieldsOf(fields), text(message)),
    info: (message, fields) => log.info(fieldsOf(fields), text(message)),
    warn: (message, fields) => log.warn(fieldsOf(fields), text(message)),
    error: (message, fields) => log.error(fieldsOf(fields), text(message)),
  };
}

/** The level from `--log-level`, `-q` (warnings and errors) or `-v` (debug too). */
export function logLevelOf(options: { logLevel?: string; quiet?: boolean; verbose?: boolean }): LogLevel {
  if (options.logLevel !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(options.logLevel)) {
      throw usageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(options.logLevel)}`);
    }
    return options.logLevel as LogLevel;
  }
  if (options.quiet && options.verbose) throw usageError("-q and -v cannot be given together");
  return options.quiet ? "warn" : options.verbose ? "debug" : "info";
}
