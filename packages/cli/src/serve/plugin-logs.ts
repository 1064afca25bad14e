import type { Logger } from "@nd/runtime";

/** One log line kept for the status page. */
export interface PluginLogLine {
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly level: LogLevelName;
  readonly message: string;
}

type LogLevelName = keyof Logger;

const LINES_PER_PLUGIN = 50;
const MAX_LINE_CHARS = 2000;

/** The most recent log lines of each plugin (those logged with a `plugin` field), a bounded ring each. */
export class PluginLogs {
  private readonly lines = new Map<string, PluginLogLine[]>();

  /** A logger that keeps plugin lines here and passes every line on to `logger`. */
  tee(logger: Logger): Logger {
    const level = (name: LogLevelName) => (message: string, fields?: Record<string, unknown>) => {
      if (typeof fields?.plugin === "string") this.keep(fields.plugin, { time: Date.now(), level: name, message: message.slice(0, MAX_LINE_CHARS) });
      logger[name](message, fields);
    };
    return { debug: level("debug"), info: level("info"), warn: level("warn"), error: level("error") };
  }

  recent(plugin: string): readonly PluginLogLine[] {
    return this.lines.get(plugin) ?? [];
  }

  private keep(plugin: string, line: PluginLogLine): void {
    let lines = this.lines.get(plugin);
    if (!lines) this.lines.set(plugin, (lines = []));
    lines.push(line);
    if (lines.length > LINES_PER_PLUGIN) lines.shift();
  }
}
