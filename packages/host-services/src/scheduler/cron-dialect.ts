import {
  DAYS_OF_MONTH,
  DAYS_OF_WEEK,
  type ExpansionBudget,
  type FieldSpec,
  HOURS,
  MINUTES,
  MONTHS,
  nodeCronField,
  type ParsedField,
  parseField,
  SECONDS,
} from "./cron-field.js";
import { parseGoDuration } from "./go-duration.js";

/** How a recurring job runs: a node-cron expression (with an optional day filter), or a fixed interval. */
export type CronPlan =
  | {
      readonly kind: "cron";
      /** Six node-cron fields, seconds first (always 0), every value spelt out. */
      readonly expression: string;
      readonly timezone: string | undefined;
      /** Decides on each due run whether it runs: set when the day fields need robfig/cron's rules. */
      readonly runsOn?: (date: Date) => boolean;
    }
  | { readonly kind: "every"; readonly intervalMs: number };

/** The longest expression read; a longer one is refused before any parsing. */
export const MAX_CRON_EXPRESSION_LENGTH = 1024;
/** The most values the fields of one expression may expand to (`*` in every field is 134). */
export const MAX_CRON_EXPANSION = 1024;

const DESCRIPTORS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** What robfig/cron's parser is told to accept beyond the five standard fields. */
export interface CronRules {
  /** A sixth, leading seconds field may be given (`cron.SecondOptional`); five fields run at second 0. */
  readonly optionalSeconds: boolean;
}

/** Generation 1's dialect (Navidrome v0.57): five fields. */
export const STANDARD_CRON: CronRules = { optionalSeconds: false };

const FIVE_FIELDS: readonly FieldSpec[] = [MINUTES, HOURS, DAYS_OF_MONTH, MONTHS, DAYS_OF_WEEK];
const SHAPE = "expected five fields (minute hour day-of-month month day-of-week) or a descriptor such as @daily or @every 5m";
const SHAPE_WITH_SECONDS =
  "expected five or six fields ([second] minute hour day-of-month month day-of-week) or a descriptor such as @daily or @every 5m";
const shapeOf = (rules: CronRules) => (rules.optionalSeconds ? SHAPE_WITH_SECONDS : SHAPE);
const EVERY = "@every ";
/** The white space of Go's strings.Fields and strings.TrimSpace (unicode.IsSpace). */
const GO_SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const GO_FIELD_SEPARATOR = new RegExp(`[${GO_SPACE}]+`);
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, "g");
/** A run that is never due: robfig/cron accepts such expressions and never runs them. */
const NEVER: Pick<Extract<CronPlan, { kind: "cron" }>, "expression" | "runsOn"> = {
  expression: "0 0 0 1 1 *",
  runsOn: () => false,
};

/**
 * The zone as Go's time.LoadLocation reads it: "" is UTC, "Local" the host's zone, anything
 * else an IANA name spelt with its own case. Answers the zone for node-cron, or why it is refused.
 */
function readTimezone(name: string): { timezone: string | undefined } | string {
  if (name === "") return { timezone: "UTC" };
  if (name === "Local") return { timezone: undefined };
  const refusal = `unknown time zone "${name}"`;
  // Newer engines take UTC offsets ("+01:00") as zones; Go's LoadLocation reads only IANA names.
  if (/^[+-]/.test(name)) return refusal;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return refusal;
  }
  const caseOnly = resolved !== name && resolved.toLowerCase() === name.toLowerCase();
  return caseOnly ? `${refusal} (time zone names are case-sensitive: "${resolved}")` : { timezone: name };
}

function everyPlan(durationText: string): CronPlan | string {
  const ms = parseGoDuration(durationText);
  if (ms === undefined) return `"${durationText}" is not a Go duration such as 5s, 1m30s or 2h`;
  // As robfig/cron: whole seconds, at least one.
  return { kind: "every", intervalMs: Math.max(1000, Math.floor(ms / 1000) * 1000) };
}

function dayFilter(days: ParsedField, weekdays: ParsedField, timezone: string | undefined): (date: Date) => boolean {
  const format = new Intl.DateTimeFormat("en-US", { timeZone: timezone, day: "numeric", weekday: "short" });
  const weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  return (date) => {
    const parts = format.formatToParts(date);
    const day = Number(parts.find((part) => part.type === "day")?.value);
    const weekday = weekdayNames.indexOf(parts.find((part) => part.type === "weekday")?.value ?? "");
    return days.values.has(day) || weekdays.values.has(weekday);
  };
}

/** robfig/cron's day rule: with a `*` in either day field both must match, otherwise either may. */
function neverDue(fields: readonly ParsedField[], eitherDay: boolean): boolean {
  const [minutes, hours, days, months, weekdays] = fields as [ParsedField, ParsedField, ParsedField, ParsedField, ParsedField];
  if ([minutes, hours, months].some((field) => field.values.size === 0)) return true;
  const noDays = days.values.size === 0;
  const noWeekdays = weekdays.values.size === 0;
  return eitherDay ? noDays && noWeekdays : noDays || noWeekdays;
}

function fieldsPlan(fieldTexts: readonly string[], timezone: string | undefined, rules: CronRules): CronPlan | string {
  const withSeconds = rules.optionalSeconds && fieldTexts.length === 6;
  if (fieldTexts.length !== 5 && !withSeconds) return shapeOf(rules);
  const budget: ExpansionBudget = { limit: MAX_CRON_EXPANSION, remaining: MAX_CRON_EXPANSION };
  const parse = (text: string, spec: FieldSpec) => parseField(text, spec, budget);
  const seconds = withSeconds ? parse(fieldTexts[0] ?? "", SECONDS) : undefined;
  if (typeof seconds === "string") return seconds;
  const fields: ParsedField[] = [];
  for (const [index, spec] of FIVE_FIELDS.entries()) {
    const parsed = parse(fieldTexts[index + (withSeconds ? 1 : 0)] ?? "", spec);
    if (typeof parsed === "string") return parsed;
    fields.push(parsed);
  }
  const [, , days, , weekdays] = fields as [ParsedField, ParsedField, ParsedField, ParsedField, ParsedField];
  const eitherDay = !days.star && !weekdays.star;
  if (neverDue(fields, eitherDay) || seconds?.values.size === 0) return { kind: "cron", timezone, ...NEVER };
  const spelt = fields.map((field, index) => (eitherDay && (index === 2 || index === 4) ? "*" : nodeCronField(field)));
  const secondsField = seconds ? nodeCronField(seconds) : "0";
  const plan = { kind: "cron" as const, expression: [secondsField, ...spelt].join(" "), timezone };
  return eitherDay ? { ...plan, runsOn: dayFilter(days, weekdays, timezone) } : plan;
}

function descriptorPlan(text: string, timezone: string | undefined, rules: CronRules): CronPlan | string {
  if (text.startsWith(EVERY)) return everyPlan(text.slice(EVERY.length));
  const descriptor = DESCRIPTORS[text];
  if (descriptor === undefined) {
    return `unknown descriptor "${text}"; use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>`;
  }
  return fieldsPlan(descriptor.split(" "), timezone, rules);
}

/** Splits a leading `CRON_TZ=<zone> ` or `TZ=<zone> ` off, as robfig/cron does (up to the first space). */
function withoutZonePrefix(expression: string): { text: string; timezone: string | undefined } | string {
  if (!expression.startsWith("TZ=") && !expression.startsWith("CRON_TZ=")) return { text: expression, timezone: undefined };
  const space = expression.indexOf(" ");
  if (space < 0) return "a time zone prefix must be followed by a space and the schedule";
  const zone = readTimezone(expression.slice(expression.indexOf("=") + 1, space));
  if (typeof zone === "string") return zone;
  return { text: expression.slice(space).replace(GO_TRIM, ""), timezone: zone.timezone };
}

/**
 * Reads a cron expression exactly as robfig/cron v3's standard parser (Navidrome's cron library)
 * does: five fields, names of months and days, ranges, steps, `?`, the descriptors and
 * `@every <Go duration>`, and a leading `CRON_TZ=<zone>` or `TZ=<zone>`; nothing else (six fields
 * are refused, as plugins probing the dialect expect, unless `rules` allow a seconds field). Expressions longer than
 * MAX_CRON_EXPRESSION_LENGTH, or expanding to more than MAX_CRON_EXPANSION values, are refused
 * before they cost more. Answers the plan, or why the expression is refused.
 */
export function parseCronDialect(expression: string, rules: CronRules = STANDARD_CRON): CronPlan | string {
  if (expression.length > MAX_CRON_EXPRESSION_LENGTH) {
    return `the expression is ${expression.length} characters long; at most ${MAX_CRON_EXPRESSION_LENGTH} are read`;
  }
  if (expression === "") return shapeOf(rules);
  const prefixed = withoutZonePrefix(expression);
  if (typeof prefixed === "string") return prefixed;
  const { text, timezone } = prefixed;
  if (text.startsWith("@")) return descriptorPlan(text, timezone, rules);
  return fieldsPlan(text.split(GO_FIELD_SEPARATOR).filter((field) => field !== ""), timezone, rules);
}
