import {
  DAYS_OF_MONTH,
  DAYS_OF_WEEK,
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
      /** Six node-cron fields, seconds first, every value spelt out. */
      readonly expression: string;
      readonly timezone: string | undefined;
      /** Set when both day fields are restricted: robfig/cron then runs on either (node-cron on both). */
      readonly runsOn?: (date: Date) => boolean;
    }
  | { readonly kind: "every"; readonly intervalMs: number };

const DESCRIPTORS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 0 1 1 *",
  "@annually": "0 0 0 1 1 *",
  "@monthly": "0 0 0 1 * *",
  "@weekly": "0 0 0 * * 0",
  "@daily": "0 0 0 * * *",
  "@midnight": "0 0 0 * * *",
  "@hourly": "0 0 * * * *",
};

const SIX_FIELDS: readonly FieldSpec[] = [SECONDS, MINUTES, HOURS, DAYS_OF_MONTH, MONTHS, DAYS_OF_WEEK];
const SHAPE =
  "expected five fields (minute hour day-of-month month day-of-week), six with seconds first, " +
  "or a descriptor such as @daily or @every 5m";

function timezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return undefined;
  } catch {
    return `unknown time zone "${timezone}"`;
  }
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

function fieldsPlan(fieldTexts: string[], timezone: string | undefined): CronPlan | string {
  const texts = fieldTexts.length === 5 ? ["0", ...fieldTexts] : fieldTexts;
  if (texts.length !== 6) return SHAPE;
  const fields: ParsedField[] = [];
  for (const [index, spec] of SIX_FIELDS.entries()) {
    const parsed = parseField(texts[index] ?? "", spec);
    if (typeof parsed === "string") return parsed;
    fields.push(parsed);
  }
  const [, , , days, , weekdays] = fields as [ParsedField, ParsedField, ParsedField, ParsedField, ParsedField, ParsedField];
  const eitherDay = !days.star && !weekdays.star;
  const spelt = fields.map((field, index) => (eitherDay && (index === 3 || index === 5) ? "*" : nodeCronField(field)));
  const plan = { kind: "cron" as const, expression: spelt.join(" "), timezone };
  return eitherDay ? { ...plan, runsOn: dayFilter(days, weekdays, timezone) } : plan;
}

/**
 * Reads a cron expression of robfig/cron v3's standard parser (Navidrome's cron library): five fields,
 * names of months and days, ranges, steps, `?`, the descriptors and `@every <Go duration>`, and a
 * leading `CRON_TZ=<zone>` or `TZ=<zone>`; plus six fields with seconds first (nd's extension).
 * Answers the plan, or why the expression is refused.
 */
export function parseCronDialect(expression: string): CronPlan | string {
  let text = expression.trim();
  let timezone: string | undefined;
  const zone = /^(?:CRON_)?TZ=(\S+)\s+/.exec(text);
  if (zone) {
    timezone = zone[1];
    const problem = timezone === undefined ? undefined : timezoneProblem(timezone);
    if (problem) return problem;
    text = text.slice(zone[0].length);
  }
  if (text.startsWith("@every ")) return everyPlan(text.slice("@every ".length).trim());
  if (text.startsWith("@")) {
    const descriptor = DESCRIPTORS[text];
    if (descriptor === undefined) return `unknown descriptor "${text}"; use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>`;
    return fieldsPlan(descriptor.split(" "), timezone);
  }
  if (text === "") return SHAPE;
  return fieldsPlan(text.split(/\s+/), timezone);
}
