import type { ManifestProblem } from "./problem.js";

/** A manifest that cannot be used: bad JSON, or content that breaks the schema. */
export class ManifestError extends Error {
  readonly kind = "ManifestError";
  override readonly name = "ManifestError";

  constructor(
    message: string,
    /** Every problem found, in document order where possible. */
    readonly problems: readonly ManifestProblem[],
  ) {
    super(message);
  }
}
