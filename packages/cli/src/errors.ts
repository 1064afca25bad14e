/** Why a command failed: `usage` exits 2, anything else exits 1; `path` is a path argument that is missing, of the wrong kind or unreadable. */
export type CliErrorKind = "usage" | "failure" | "config" | "path";

/** A failure the `nd` command reports as one line on stderr. */
export class CliError extends Error {
  override readonly name = "CliError";

  constructor(
    readonly kind: CliErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get exitCode(): number {
    return this.kind === "usage" ? 2 : 1;
  }
}

export function usageError(message: string): CliError {
  return new CliError("usage", message);
}

export function failure(message: string, cause?: unknown): CliError {
  return new CliError("failure", message, { cause });
}
