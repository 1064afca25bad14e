import { validateDetailed } from "node-cron";

/** Says what is wrong with a cron expression, or answers undefined when node-cron accepts it. */
export function cronExpressionProblem(expression: string): string | undefined {
  try {
    const { valid, errors } = validateDetailed(expression);
    if (valid) return undefined;
    const reasons = errors.map((error) =>
      error.field === "expression" ? error.message : `${error.field}: ${error.message}`,
    );
    return reasons.join("; ") || "not a valid cron expression";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
