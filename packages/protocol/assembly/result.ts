import { NOT_FOUND, NOT_IMPLEMENTED } from "./errors";

/**
 * The answer of a capability method or a host call: a value, or an error text.
 * AssemblyScript has no exceptions to catch, so errors travel as values.
 */
export class Result<T> {
  private constructor(
    public readonly value: T | null,
    public readonly error: string | null,
  ) {}

  static ok<T>(value: T): Result<T> {
    return new Result<T>(value, null);
  }

  static fail<T>(error: string): Result<T> {
    return new Result<T>(null, error);
  }

  /** Answers `plugin:not_found`: the plugin has no data for this request. */
  static notFound<T>(): Result<T> {
    return new Result<T>(null, NOT_FOUND);
  }

  /** Answers `plugin:not_implemented`. */
  static notImplemented<T>(): Result<T> {
    return new Result<T>(null, NOT_IMPLEMENTED);
  }

  get isOk(): bool {
    return this.error === null;
  }

  /** The error text, or "" when there is none. */
  get errorText(): string {
    const error = this.error;
    return error === null ? "" : error;
  }

  /** Passes this result's error on as the error of another result type. */
  forward<U>(): Result<U> {
    return new Result<U>(null, this.errorText);
  }
}
