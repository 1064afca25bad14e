import { LogLines } from "../log-lines.js";
import { utf8 } from "../../channel/fields.js";
import type { KernelLogLevel } from "./log-levels.js";

/** The kernel's log lines of one instance, bounded per level as stdout's are; a level's lines are made at its first line. */
export class KernelLogLines {
  private readonly levels = new Map<KernelLogLevel, LogLines>();

  constructor(private readonly write: (level: KernelLogLevel, line: string) => void) {}

  push(level: KernelLogLevel, text: string): void {
    let lines = this.levels.get(level);
    if (!lines) this.levels.set(level, (lines = new LogLines((line) => this.write(level, line))));
    lines.push(utf8(`${text}\n`));
  }

  flush(): void {
    for (const lines of this.levels.values()) lines.flush();
  }
}
