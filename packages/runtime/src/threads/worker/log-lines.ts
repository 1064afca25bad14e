/** Longest log line, in bytes of UTF-8; the rest of a longer line is cut and counted. */
export const MAX_LOG_LINE_BYTES = 8192;
/** Lines one stream may log during one call; the rest are counted in one closing line. */
export const MAX_LOG_LINES_PER_CALL = 1000;

/**
 * Splits what a plugin writes to stdout or stderr into bounded log lines. It never holds
 * more than one line's worth of bytes, whatever the plugin writes: a 48 MiB line becomes
 * its first 8 KiB and a marker saying how much was cut.
 */
const decoder = new TextDecoder();

export class LogLines {
  /** Made at the first byte: most instances never log, and generation 2 makes one instance per call. */
  private line: Uint8Array | undefined;
  private length = 0;
  private cutBytes = 0;
  private linesLeft = MAX_LOG_LINES_PER_CALL;
  private cutLines = 0;

  constructor(private readonly emit: (line: string) => void) {}

  push(bytes: Uint8Array): void {
    for (let start = 0; ; ) {
      const newline = bytes.indexOf(0x0a, start);
      this.keep(bytes.subarray(start, newline < 0 ? bytes.length : newline));
      if (newline < 0) return;
      this.endLine();
      start = newline + 1;
    }
  }

  /** Ends the call: the unfinished line goes out, and so does the count of lines cut. */
  flush(): void {
    if (this.length > 0 || this.cutBytes > 0) this.endLine();
    if (this.cutLines > 0) this.emit(`[${this.cutLines} more lines cut: at most ${MAX_LOG_LINES_PER_CALL} per call]`);
    this.linesLeft = MAX_LOG_LINES_PER_CALL;
    this.cutLines = 0;
  }

  private keep(part: Uint8Array): void {
    if (part.length === 0) return;
    const taken = Math.min(part.length, MAX_LOG_LINE_BYTES - this.length);
    this.line ??= new Uint8Array(MAX_LOG_LINE_BYTES);
    this.line.set(part.subarray(0, taken), this.length);
    this.length += taken;
    this.cutBytes += part.length - taken;
  }

  private endLine(): void {
    if (this.linesLeft === 0) {
      this.cutLines++;
    } else {
      this.linesLeft--;
      this.emit(this.text());
    }
    this.length = 0;
    this.cutBytes = 0;
  }

  private text(): string {
    const line = this.line ?? new Uint8Array();
    if (this.cutBytes === 0) return decoder.decode(line.subarray(0, this.length));
    const whole = wholeCharacters(line, this.length);
    const cut = this.cutBytes + this.length - whole;
    return `${decoder.decode(line.subarray(0, whole))} [… ${cut} bytes cut: lines are at most ${MAX_LOG_LINE_BYTES} bytes]`;
  }
}

/** The length of `bytes[0, length)` without a UTF-8 sequence split at its end. */
function wholeCharacters(bytes: Uint8Array, length: number): number {
  let lead = length - 1;
  while (lead > 0 && length - lead < 4 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  const first = bytes[lead] ?? 0;
  const needed = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return length - lead >= needed ? length : lead;
}
