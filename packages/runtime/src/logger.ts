/** Where the runtime reports what happens; fields carry structured context. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The default: one line per event on stderr, debug left out. */
export const consoleLogger: Logger = {
  debug: () => {},
  info: (message, fields) => console.error(format("info", message, fields)),
  warn: (message, fields) => console.error(format("warn", message, fields)),
  error: (message, fields) => console.error(format("error", message, fields)),
};

function format(level: string, message: string, fields?: Record<string, unknown>): string {
  const context = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${JSON.stringify(v)}`) : [];
  return `${level}: ${message}${context.join("")}`;
}
