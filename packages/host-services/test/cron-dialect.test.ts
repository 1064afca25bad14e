import { describe, expect, test } from "vitest";
import { MAX_CRON_EXPANSION, MAX_CRON_EXPRESSION_LENGTH, parseCronDialect } from "../src/scheduler/cron-dialect.js";

const SHAPE = "expected five fields (minute hour day-of-month month day-of-week) or a descriptor such as @daily or @every 5m";
const UNKNOWN_DESCRIPTOR = "use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>";

describe("cron dialect: exactly robfig/cron v3's standard parser", () => {
  test.each([
    ["* * * * *", "0 * * * * *"],
    ["*/5 * * * *", "0 0,5,10,15,20,25,30,35,40,45,50,55 * * * *"],
    ["0 12 * JAN-MAR mon-fri", "0 0 12 * 1,2,3 1,2,3,4,5"],
    ["0 0 1 jan,jul ?", "0 0 0 1 1,7 *"],
    ["15/20 * * * *", "0 15,35,55 * * * *"],
    ["0 9-17/4 * * *", "0 0 9,13,17 * * *"],
    ["0 0 * * SUN", "0 0 0 * * 0"],
    ["@yearly", "0 0 0 1 1 *"],
    ["@annually", "0 0 0 1 1 *"],
    ["@monthly", "0 0 0 1 * *"],
    ["@weekly", "0 0 0 * * 0"],
    ["@daily", "0 0 0 * * *"],
    ["@midnight", "0 0 0 * * *"],
    ["@hourly", "0 0 * * * *"],
    ["  5 4 * * *  ", "0 5 4 * * *"],
    ["5\t4\n* *\u00a0*", "0 5 4 * * *"],
    // Empty list parts are skipped, as Go's strings.FieldsFunc does.
    ["1,,2 * * * *", "0 1,2 * * * *"],
    [",5 * * * *", "0 5 * * * *"],
    // strconv.Atoi reads a sign and leading zeros.
    ["+5 007 * * *", "0 5 7 * * *"],
    ["*/+30 * * * *", "0 0,30 * * * *"],
    // After `*`, robfig/cron ignores what a hyphen adds.
    ["*-5 * * * *", "0 * * * * *"],
    ["*-5/30 * * * *", "0 0,30 * * * *"],
    // `?` is read in any field; `*/1` is still `*`.
    ["? ? * * *", "0 * * * * *"],
    ["*/1 * * * *", "0 * * * * *"],
    ["*/100 * * * *", "0 0 * * * *"],
  ])("%j is accepted and runs as %j", (expression, nodeCron) => {
    expect(parseCronDialect(expression)).toMatchObject({ kind: "cron", expression: nodeCron });
  });

  test.each([
    ["@every 5s", 5000],
    ["@every 41s", 41_000],
    ["@every 1m30s", 90_000],
    ["@every 1.5h", 5_400_000],
    ["@every 1500ms", 1000],
    ["@every 10ms", 1000],
    ["@every 0", 1000],
    ["@every -5s", 1000],
    ["@every .5m", 30_000],
    ["TZ=UTC @every 2s ", 2000],
  ])("%j runs every %d ms (whole seconds, at least one)", (expression, intervalMs) => {
    expect(parseCronDialect(expression)).toEqual({ kind: "every", intervalMs });
  });

  test("a time zone prefix is read up to the first space, then the rest is trimmed", () => {
    expect(parseCronDialect("CRON_TZ=Europe/Paris 0 6 * * *")).toMatchObject({ timezone: "Europe/Paris" });
    expect(parseCronDialect("TZ=UTC   @daily  ")).toMatchObject({ timezone: "UTC", expression: "0 0 0 * * *" });
    // Go's LoadLocation reads "" as UTC and "Local" as the host's zone.
    expect(parseCronDialect("TZ= 0 6 * * *")).toMatchObject({ timezone: "UTC" });
    expect(parseCronDialect("TZ=Local 0 6 * * *")).toMatchObject({ kind: "cron", timezone: undefined });
  });

  test("with both day fields restricted, a day matching either runs (robfig/cron's rule)", () => {
    const plan = parseCronDialect("TZ=UTC 0 0 13 * FRI");
    if (typeof plan === "string" || plan.kind !== "cron") throw new Error(String(plan));
    expect(plan.expression).toBe("0 0 0 * * *");
    expect(plan.runsOn?.(new Date("2030-01-04T00:00:00Z"))).toBe(true); // a Friday
    expect(plan.runsOn?.(new Date("2030-01-13T00:00:00Z"))).toBe(true); // the 13th, a Sunday
    expect(plan.runsOn?.(new Date("2030-01-05T00:00:00Z"))).toBe(false);
  });

  test("a `*` part in a day list makes both day fields count, as robfig/cron's star bit does", () => {
    expect(parseCronDialect("0 0 *,13 * FRI")).toMatchObject({ expression: "0 0 0 * * 5" });
    expect(parseCronDialect("0 0 *,13 * FRI")).not.toHaveProperty("runsOn");
  });

  test.each([", * * * *", "0 , * * *", "0 0 * , *", "0 0 , * *", "0 0 , * ,"])(
    "%j is accepted and never runs, as in robfig/cron",
    (expression) => {
      const plan = parseCronDialect(expression);
      if (typeof plan === "string" || plan.kind !== "cron") throw new Error(String(plan));
      const everyHourOfAYear = Array.from({ length: 366 * 24 }, (_, hour) => new Date(Date.UTC(2030, 0, 1, hour)));
      expect(everyHourOfAYear.filter((date) => plan.runsOn?.(date) ?? true)).toEqual([]);
    },
  );

  test("an empty day-of-month list with a restricted weekday runs on that weekday (either rule)", () => {
    const plan = parseCronDialect("TZ=UTC 0 0 , * MON");
    if (typeof plan === "string" || plan.kind !== "cron") throw new Error(String(plan));
    expect(plan.runsOn?.(new Date("2030-01-07T00:00:00Z"))).toBe(true); // a Monday
    expect(plan.runsOn?.(new Date("2030-01-08T00:00:00Z"))).toBe(false);
  });

  test.each([
    // Six fields, which plugins probe for: refused as robfig/cron's standard parser refuses them.
    ["*/2 * * * * *", SHAPE],
    ["0 0 * * * *", SHAPE],
    ["* * *", SHAPE],
    ["", SHAPE],
    ["   ", SHAPE],
    ["61 * * * *", "minute: 61 is outside 0-59"],
    ["* 24 * * *", "hour: 24 is outside 0-23"],
    ["* * 0 * *", "day of month: 0 is outside 1-31"],
    ["* * * * 7", "day of week: 7 is outside 0-6"],
    ["61/5 * * * *", "minute: 61 is outside 0-59"],
    ["* * * FOO *", 'month: "FOO" is not a number or a name'],
    ["-5 * * * *", 'minute: "" is not a number'],
    ["5- * * * *", 'minute: "" is not a number'],
    ["1-2-3 * * * *", 'minute: "1-2-3" has more than one "-"'],
    ["*/5/2 * * * *", 'minute: "*/5/2" has more than one "/"'],
    ["*/0 * * * *", 'minute: the step in "*/0" must be a positive number'],
    ["*/-5 * * * *", 'minute: "-5" is negative'],
    ["*/99999999999999999999 * * * *", 'minute: "99999999999999999999" is out of range'],
    ["5-1 * * * *", 'minute: "5-1" runs backwards'],
    ["L * * * *", 'minute: "L" is not a number'],
    ["* * * * MON#2", 'day of week: "MON#2" is not a number or a name'],
    ["@every", `unknown descriptor "@every"; ${UNKNOWN_DESCRIPTOR}`],
    ["@every 5", '"5" is not a Go duration such as 5s, 1m30s or 2h'],
    ["@every 5 s", '"5 s" is not a Go duration such as 5s, 1m30s or 2h'],
    ["@every  5s", '" 5s" is not a Go duration such as 5s, 1m30s or 2h'],
    ["@every 5s ", '"5s " is not a Go duration such as 5s, 1m30s or 2h'],
    ["@every 3000000h", '"3000000h" is not a Go duration such as 5s, 1m30s or 2h'],
    ["@daily ", `unknown descriptor "@daily "; ${UNKNOWN_DESCRIPTOR}`],
    ["@DAILY", `unknown descriptor "@DAILY"; ${UNKNOWN_DESCRIPTOR}`],
    ["@reboot", `unknown descriptor "@reboot"; ${UNKNOWN_DESCRIPTOR}`],
    [" @daily", SHAPE],
    [" TZ=UTC 0 6 * * *", SHAPE],
    ["TZ=UTC", "a time zone prefix must be followed by a space and the schedule"],
    ["TZ=UTC\t@daily", "a time zone prefix must be followed by a space and the schedule"],
    ["TZ=Mars/Olympus 0 6 * * *", 'unknown time zone "Mars/Olympus"'],
    ["TZ=europe/paris 0 6 * * *", 'unknown time zone "europe/paris" (time zone names are case-sensitive: "Europe/Paris")'],
    ["TZ=+01:00 0 6 * * *", 'unknown time zone "+01:00"'],
  ])("%j is refused: %s", (expression, reason) => {
    expect(parseCronDialect(expression)).toBe(reason);
  });
});

describe("cron expressions are bounded before they cost anything", () => {
  test("a 10 MiB expression is refused by its length alone", () => {
    const expression = "0,".repeat(5 * 1024 * 1024);
    expect(parseCronDialect(expression)).toBe(
      `the expression is ${expression.length} characters long; at most ${MAX_CRON_EXPRESSION_LENGTH} are read`,
    );
  });

  test("an expression at the length limit is read, one character more is not", () => {
    const expression = `${"0,".repeat(500)}0 * * * *`.padEnd(MAX_CRON_EXPRESSION_LENGTH);
    expect(expression).toHaveLength(MAX_CRON_EXPRESSION_LENGTH);
    expect(parseCronDialect(expression)).toMatchObject({ kind: "cron", expression: "0 0 * * * *" });
    expect(parseCronDialect(`${expression} `)).toMatch(/^the expression is 1025 characters long/);
  });

  test("expansion stops at its budget: every value written is counted", () => {
    const fullRanges = (count: number) => `${Array(count).fill("0-59").join(",")} * * * *`;
    // `* * * *` after the minutes writes 24 + 31 + 12 + 7 = 74 values.
    const fits = Math.floor((MAX_CRON_EXPANSION - 74) / 60);
    expect(parseCronDialect(fullRanges(fits))).toMatchObject({ kind: "cron" });
    const overflows = Math.floor(MAX_CRON_EXPANSION / 60) + 1;
    expect(fullRanges(overflows).length).toBeLessThan(MAX_CRON_EXPRESSION_LENGTH);
    expect(parseCronDialect(fullRanges(overflows))).toBe(
      `minute: the expression expands to more than ${MAX_CRON_EXPANSION} values`,
    );
  });

  test("the largest expression in the dialect's own terms (every value listed) fits the budget", () => {
    const list = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i).join(",");
    const expression = `CRON_TZ=America/Argentina/ComodRivadavia ${list(0, 59)} ${list(0, 23)} ${list(1, 31)} ${list(1, 12)} ${list(0, 6)}`;
    expect(expression.length).toBeLessThan(MAX_CRON_EXPRESSION_LENGTH);
    expect(parseCronDialect(expression)).toMatchObject({ kind: "cron" });
  });
});
