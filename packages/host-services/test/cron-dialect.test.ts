import { describe, expect, test } from "vitest";
import { parseCronDialect } from "../src/scheduler/cron-dialect.js";

describe("cron dialect (robfig/cron v3 standard parser, plus six fields)", () => {
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
    ["*/10 * * * * *", "0,10,20,30,40,50 * * * * *"],
    ["  5 4 * * *  ", "0 5 4 * * *"],
  ])("%j runs as %j", (expression, nodeCron) => {
    expect(parseCronDialect(expression)).toMatchObject({ kind: "cron", expression: nodeCron });
  });

  test.each([
    ["@every 5s", 5000],
    ["@every 41s", 41_000],
    ["@every 1m30s", 90_000],
    ["@every 1.5h", 5_400_000],
    ["@every 1500ms", 1000],
    ["@every 10ms", 1000],
  ])("%j runs every %d ms (whole seconds, at least one)", (expression, intervalMs) => {
    expect(parseCronDialect(expression)).toEqual({ kind: "every", intervalMs });
  });

  test("a time zone prefix is kept", () => {
    expect(parseCronDialect("CRON_TZ=Europe/Paris 0 6 * * *")).toMatchObject({ timezone: "Europe/Paris" });
    expect(parseCronDialect("TZ=UTC @daily")).toMatchObject({ timezone: "UTC", expression: "0 0 0 * * *" });
  });

  test("with both day fields restricted, a day matching either runs (robfig/cron's rule)", () => {
    const plan = parseCronDialect("TZ=UTC 0 0 13 * FRI");
    if (typeof plan === "string" || plan.kind !== "cron") throw new Error(String(plan));
    expect(plan.expression).toBe("0 0 0 * * *");
    expect(plan.runsOn?.(new Date("2030-01-04T00:00:00Z"))).toBe(true); // a Friday
    expect(plan.runsOn?.(new Date("2030-01-13T00:00:00Z"))).toBe(true); // the 13th, a Sunday
    expect(plan.runsOn?.(new Date("2030-01-05T00:00:00Z"))).toBe(false);
  });

  test.each([
    ["61 * * * *", "minute: 61 is outside 0-59"],
    ["* 24 * * *", "hour: 24 is outside 0-23"],
    ["* * 0 * *", "day of month: 0 is outside 1-31"],
    ["* * * * 7", "day of week: 7 is outside 0-6"],
    ["* * * FOO *", 'month: "FOO" is not a number or a name'],
    ["*/0 * * * *", 'minute: the step in "*/0" must be a positive number'],
    ["5-1 * * * *", 'minute: "5-1" runs backwards'],
    ["* * *", "expected five fields (minute hour day-of-month month day-of-week), six with seconds first, or a descriptor such as @daily or @every 5m"],
    ["", "expected five fields (minute hour day-of-month month day-of-week), six with seconds first, or a descriptor such as @daily or @every 5m"],
    ["@every", 'unknown descriptor "@every"; use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>'],
    ["@every 5", '"5" is not a Go duration such as 5s, 1m30s or 2h'],
    ["@every 5 s", '"5 s" is not a Go duration such as 5s, 1m30s or 2h'],
    ["@reboot", 'unknown descriptor "@reboot"; use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>'],
    ["TZ=Mars/Olympus 0 6 * * *", 'unknown time zone "Mars/Olympus"'],
  ])("%j is refused: %s", (expression, reason) => {
    expect(parseCronDialect(expression)).toBe(reason);
  });
});
