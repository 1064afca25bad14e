/** The bounds and names of one cron field. */
export interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

/**
 * One parsed field: its values (empty when the field lists none, e.g. `,`), and whether a part
 * of it was `*` or `?` without a step above 1 (which decides how the two day fields combine).
 */
export interface ParsedField {
  readonly values: ReadonlySet<number>;
  readonly star: boolean;
}

/** How many more values the fields of one expression may write; shared by its fields. */
export interface ExpansionBudget {
  readonly limit: number;
  remaining: number;
}

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export const SECONDS: FieldSpec = { label: "seconds", min: 0, max: 59 };
export const MINUTES: FieldSpec = { label: "minute", min: 0, max: 59 };
export const HOURS: FieldSpec = { label: "hour", min: 0, max: 23 };
export const DAYS_OF_MONTH: FieldSpec = { label: "day of month", min: 1, max: 31 };
export const MONTHS: FieldSpec = { label: "month", min: 1, max: 12, names: MONTH_NAMES };
export const DAYS_OF_WEEK: FieldSpec = { label: "day of week", min: 0, max: 6, names: DAY_NAMES };

const GO_INT = /^[+-]?\d+$/;
const GO_INT_MAX = 2n ** 63n - 1n;

class FieldError extends Error {}

/** A number as Go's strconv.Atoi reads it (sign, digits, 64 bits), refused when negative. */
function goUnsigned(text: string): bigint {
  if (!GO_INT.test(text)) throw new FieldError(`"${text}" is not a number`);
  const value = BigInt(text);
  if (value > GO_INT_MAX || value < -GO_INT_MAX - 1n) throw new FieldError(`"${text}" is out of range`);
  if (value < 0n) throw new FieldError(`"${text}" is negative`);
  return value;
}

function valueOf(text: string, spec: FieldSpec): bigint {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return BigInt(named + spec.min);
  if (spec.names && !GO_INT.test(text)) throw new FieldError(`"${text}" is not a number or a name`);
  return goUnsigned(text);
}

interface Range {
  readonly low: bigint;
  readonly high: bigint;
  readonly step: bigint;
  readonly star: boolean;
}

/** One comma-separated part, read as robfig/cron's getRange reads it. */
function readRange(part: string, spec: FieldSpec): Range {
  const [range = "", stepText, ...moreSlashes] = part.split("/");
  const bounds = range.split("-");
  const [lowText = "", highText] = bounds;
  const star = lowText === "*" || lowText === "?";
  // After `*` or `?`, robfig/cron ignores whatever hyphenated text follows (`*-5` is `*`).
  if (!star && bounds.length > 2) throw new FieldError(`"${part}" has more than one "-"`);
  const low = star ? BigInt(spec.min) : valueOf(lowText, spec);
  let high = star ? BigInt(spec.max) : valueOf(highText ?? lowText, spec);
  if (moreSlashes.length > 0) throw new FieldError(`"${part}" has more than one "/"`);
  const step = stepText === undefined ? 1n : goUnsigned(stepText);
  // As in robfig/cron, "N/step" runs from N to the field's maximum.
  if (stepText !== undefined && bounds.length === 1) high = BigInt(spec.max);
  for (const value of [low, high]) {
    if (value < BigInt(spec.min) || value > BigInt(spec.max)) {
      throw new FieldError(`${value} is outside ${spec.min}-${spec.max}`);
    }
  }
  if (low > high) throw new FieldError(`"${range}" runs backwards`);
  if (step === 0n) throw new FieldError(`the step in "${part}" must be a positive number`);
  return { low, high, step, star: star && step === 1n };
}

function expand(range: Range, budget: ExpansionBudget, into: Set<number>): void {
  const count = Number((range.high - range.low) / range.step) + 1;
  budget.remaining -= count;
  if (budget.remaining < 0) throw new FieldError(`the expression expands to more than ${budget.limit} values`);
  const step = Number(range.step);
  for (let value = Number(range.low); value <= Number(range.high); value += step) into.add(value);
}

/**
 * Parses one field of robfig/cron's standard dialect: comma-separated parts (empty parts are
 * skipped), each a value or name, a range, `*` or `?`, with an optional `/step`. Every value
 * written is taken from `budget`; past it the field is refused.
 */
export function parseField(text: string, spec: FieldSpec, budget: ExpansionBudget): ParsedField | string {
  const values = new Set<number>();
  let star = false;
  try {
    for (const part of text.split(",")) {
      if (part === "") continue;
      const range = readRange(part, spec);
      expand(range, budget, values);
      star ||= range.star;
    }
    return { values, star };
  } catch (error) {
    if (error instanceof FieldError) return `${spec.label}: ${error.message}`;
    throw error;
  }
}

/** The field in node-cron's syntax: `*`, or the plain list of its values (at least one). */
export function nodeCronField(field: ParsedField): string {
  return field.star ? "*" : [...field.values].sort((a, b) => a - b).join(",");
}
