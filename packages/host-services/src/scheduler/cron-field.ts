/** The bounds and names of one cron field. */
export interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

/** One parsed field: its values, and whether it was a plain `*` or `?` (which matters for days). */
export interface ParsedField {
  readonly values: ReadonlySet<number>;
  readonly star: boolean;
}

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export const SECONDS: FieldSpec = { label: "seconds", min: 0, max: 59 };
export const MINUTES: FieldSpec = { label: "minute", min: 0, max: 59 };
export const HOURS: FieldSpec = { label: "hour", min: 0, max: 23 };
export const DAYS_OF_MONTH: FieldSpec = { label: "day of month", min: 1, max: 31 };
export const MONTHS: FieldSpec = { label: "month", min: 1, max: 12, names: MONTH_NAMES };
export const DAYS_OF_WEEK: FieldSpec = { label: "day of week", min: 0, max: 6, names: DAY_NAMES };

class FieldError extends Error {}

function valueOf(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + spec.min;
  if (!/^\d+$/.test(text)) throw new FieldError(`"${text}" is not a number${spec.names ? " or a name" : ""}`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new FieldError(`${value} is outside ${spec.min}-${spec.max}`);
  }
  return value;
}

function addRange(part: string, spec: FieldSpec, into: Set<number>): boolean {
  const [range = "", stepText, extra] = part.split("/");
  if (extra !== undefined) throw new FieldError(`"${part}" has more than one "/"`);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (stepText !== undefined && (!/^\d+$/.test(stepText) || step < 1)) {
    throw new FieldError(`the step in "${part}" must be a positive number`);
  }
  const star = range === "*" || range === "?";
  const [lowText = "", highText, more] = range.split("-");
  if (more !== undefined) throw new FieldError(`"${range}" has more than one "-"`);
  const low = star ? spec.min : valueOf(lowText, spec);
  // As in robfig/cron, "N/step" runs from N to the field's maximum.
  const high = star || (highText === undefined && stepText !== undefined) ? spec.max : valueOf(highText ?? lowText, spec);
  if (low > high) throw new FieldError(`"${range}" runs backwards`);
  for (let value = low; value <= high; value += step) into.add(value);
  return star && step === 1;
}

/** Parses one field of robfig/cron's standard dialect: lists of values, names, ranges and steps. */
export function parseField(text: string, spec: FieldSpec): ParsedField | string {
  const values = new Set<number>();
  try {
    const stars = text.split(",").map((part) => addRange(part, spec, values));
    return { values, star: stars.length === 1 && stars[0] === true };
  } catch (error) {
    if (error instanceof FieldError) return `${spec.label}: ${error.message}`;
    throw error;
  }
}

/** The field in node-cron's syntax: `*`, or the plain list of its values. */
export function nodeCronField(field: ParsedField): string {
  return field.star ? "*" : [...field.values].sort((a, b) => a - b).join(",");
}
