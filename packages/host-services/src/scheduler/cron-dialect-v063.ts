import { type CronPlan, type CronRules, parseCronDialect } from "./cron-dialect.js";
import { parseGoDuration } from "./go-duration.js";

/** Generation 2's parser (Navidrome v0.63): robfig/cron with an optional leading seconds field. */
const SECONDS_OPTIONAL: CronRules = { optionalSeconds: true };

/**
 * Reads a recurring schedule as Navidrome v0.63 does: 5 or 6 fields (seconds first), the
 * descriptors, `@every <duration>`, a bare Go duration (`5m` is `@every 5m`) and `CRON_TZ=`/`TZ=`
 * prefixes. Crontab's `~` random ranges are refused: nd would have to pick the random value
 * once per schedule as Navidrome does, and does not. Answers the plan, or why it is refused.
 */
export function parseCronDialectV063(expression: string): CronPlan | string {
  if (expression.includes("~")) {
    return "random ranges (\"~\") are not supported by nd; use a fixed value or a range with a step";
  }
  if (parseGoDuration(expression) !== undefined) return parseCronDialect(`@every ${expression}`, SECONDS_OPTIONAL);
  return parseCronDialect(expression, SECONDS_OPTIONAL);
}
