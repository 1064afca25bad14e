import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createHostServices, type HostServicesOptions, type Logger } from "../src/index.js";
import type { SchedulerCallbackRequest } from "../src/messages.js";
import { nextEveryRunMs } from "../src/scheduler/every-timer.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2030-01-01T00:00:00.000Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function schedulerPlugin(
  onSchedulerCallback: ((request: SchedulerCallbackRequest) => Promise<void>) | null = async () => {},
  options: HostServicesOptions = {},
) {
  const calls: SchedulerCallbackRequest[] = [];
  const host = createHostServices(options);
  cleanups.push(() => host.close());
  const callbacks = onSchedulerCallback
    ? {
        onSchedulerCallback: async (request: SchedulerCallbackRequest) => {
          calls.push(request);
          await onSchedulerCallback(request);
        },
      }
    : undefined;
  const services = host.forPlugin({ name: "scheduler-plugin", permissions: { scheduler: {} }, config: {}, callbacks });
  if (!services.scheduler) throw new Error("scheduler service missing");
  return { services, scheduler: services.scheduler, calls };
}

const payload = (text: string) => new TextEncoder().encode(text);
const seconds = (count: number) => vi.advanceTimersByTimeAsync(count * 1000);

describe("one-time jobs", () => {
  test("fire once after delay_seconds with id and payload", async () => {
    const { scheduler, calls } = schedulerPlugin();
    const response = await scheduler.scheduleOneTime({ delaySeconds: 10, payload: payload("hi"), scheduleId: "job-1" });
    expect(response).toEqual({ scheduleId: "job-1", error: "" });
    await seconds(9.999);
    expect(calls).toEqual([]);
    await seconds(0.001);
    expect(calls).toEqual([{ scheduleId: "job-1", payload: payload("hi"), isRecurring: false }]);
    await seconds(100);
    expect(calls).toHaveLength(1);
    expect(scheduler.scheduleIds()).toEqual([]);
  });

  test("get a generated id when none is given", async () => {
    const { scheduler, calls } = schedulerPlugin();
    const first = await scheduler.scheduleOneTime({ delaySeconds: 1 });
    const second = await scheduler.scheduleOneTime({ delaySeconds: 1 });
    expect(first.scheduleId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.scheduleId).not.toBe(first.scheduleId);
    await seconds(1);
    expect(calls.map((call) => call.scheduleId).sort()).toEqual([first.scheduleId, second.scheduleId].sort());
  });

  test("delays longer than a timer can hold still fire on time", async () => {
    const { scheduler, calls } = schedulerPlugin();
    const thirtyDays = 30 * 24 * 3600;
    await scheduler.scheduleOneTime({ delaySeconds: thirtyDays, scheduleId: "later" });
    await seconds(thirtyDays - 1);
    expect(calls).toEqual([]);
    await seconds(1);
    expect(calls.map((call) => call.scheduleId)).toEqual(["later"]);
  });

  test("a negative delay is refused", async () => {
    const { scheduler } = schedulerPlugin();
    expect(await scheduler.scheduleOneTime({ delaySeconds: -1 })).toEqual({
      scheduleId: "",
      error: "delay_seconds must not be negative, got -1",
    });
  });
});

describe("recurring jobs", () => {
  test("fire on the cron schedule with is_recurring", async () => {
    const { scheduler, calls } = schedulerPlugin();
    const response = await scheduler.scheduleRecurring({
      cronExpression: "* * * * *",
      payload: payload("tick"),
      scheduleId: "minutely",
    });
    expect(response.error).toBe("");
    await seconds(59);
    expect(calls).toEqual([]);
    await seconds(1 + 120);
    expect(calls).toEqual(Array(3).fill({ scheduleId: "minutely", payload: payload("tick"), isRecurring: true }));
  });

  test("six fields are refused and nothing is scheduled, as a plugin probing the dialect expects", async () => {
    const { scheduler, calls } = schedulerPlugin();
    const response = await scheduler.scheduleRecurring({ cronExpression: "*/2 * * * * *", scheduleId: "reconnect" });
    expect(response.scheduleId).toBe("");
    expect(response.error).toMatch(/^invalid cron expression "\*\/2 \* \* \* \* \*": expected five fields/);
    expect(scheduler.scheduleIds()).toEqual([]);
    await seconds(120);
    expect(calls).toEqual([]);
  });

  test("a 10 MiB expression is refused without being echoed back", async () => {
    const { scheduler } = schedulerPlugin();
    const cronExpression = "*,".repeat(5 * 1024 * 1024);
    const response = await scheduler.scheduleRecurring({ cronExpression });
    expect(response.error).toBe(
      `invalid cron expression: the expression is ${cronExpression.length} characters long; at most 1024 are read`,
    );
  });

  test("@every runs at each interval, in order, until cancelled", async () => {
    const { scheduler, calls } = schedulerPlugin();
    await scheduler.scheduleRecurring({ cronExpression: "@every 41s", scheduleId: "beat", payload: payload("b") });
    await scheduler.scheduleRecurring({ cronExpression: "@every 1m30s", scheduleId: "slow" });
    await seconds(40);
    expect(calls).toEqual([]);
    await seconds(1);
    expect(calls.map((call) => call.scheduleId)).toEqual(["beat"]);
    await seconds(41);
    expect(calls.map((call) => call.scheduleId)).toEqual(["beat", "beat"]);
    await seconds(8);
    expect(calls.map((call) => call.scheduleId)).toEqual(["beat", "beat", "slow"]);
    expect(calls[0]).toEqual({ scheduleId: "beat", payload: payload("b"), isRecurring: true });
    await scheduler.cancelSchedule({ scheduleId: "beat" });
    await seconds(41 * 3);
    expect(calls.filter((call) => call.scheduleId === "beat")).toHaveLength(2);
  });

  test("with a beforeFire hook (replicas), two hosts that create the job seconds apart plan the same runs", async () => {
    const planned: Record<string, number[]> = { a: [], b: [] };
    const replica = (name: "a" | "b") =>
      schedulerPlugin(async () => {}, {
        scheduler: { beforeFire: async (_id, nominalMs) => (planned[name]!.push(nominalMs), name === "a") },
      });
    const a = replica("a");
    await seconds(2.3);
    const b = replica("b");
    await a.scheduler.scheduleRecurring({ cronExpression: "@every 5s", scheduleId: "sync" });
    await seconds(1.4);
    await b.scheduler.scheduleRecurring({ cronExpression: "@every 5s", scheduleId: "sync" });
    await seconds(12);
    const start = new Date("2030-01-01T00:00:00.000Z").getTime();
    expect(planned.a).toEqual([start + 5_000, start + 10_000, start + 15_000]);
    expect(planned.b).toEqual(planned.a);
    expect(a.calls).toHaveLength(3);
    expect(b.calls).toEqual([]);
  });

  test("alone, @every counts from the second the job was created in, as Navidrome does", () => {
    expect(nextEveryRunMs(12_345, 5_000, false)).toBe(17_000);
    expect(nextEveryRunMs(12_345, 5_000, true)).toBe(15_000);
    expect(nextEveryRunMs(15_000, 5_000, true)).toBe(20_000);
  });

  test("descriptors and names run on their days", async () => {
    // 2030-01-01T00:00:00Z is a Tuesday.
    const { scheduler, calls } = schedulerPlugin();
    await scheduler.scheduleRecurring({ cronExpression: "TZ=UTC @hourly", scheduleId: "hourly" });
    await scheduler.scheduleRecurring({ cronExpression: "TZ=UTC @weekly", scheduleId: "weekly" });
    await scheduler.scheduleRecurring({ cronExpression: "TZ=UTC 30 0 * jan THU", scheduleId: "thursday" });
    await seconds(3600);
    expect(calls.map((call) => call.scheduleId)).toEqual(["hourly"]);
    calls.length = 0;
    await seconds(6 * 24 * 3600);
    expect(calls.filter((call) => call.scheduleId !== "hourly").map((call) => call.scheduleId)).toEqual([
      "thursday",
      "weekly",
    ]);
  });

  test.each([
    ["61 * * * *", "minute: 61 is outside 0-59"],
    ["* * *", "expected five fields (minute hour day-of-month month day-of-week) or a descriptor such as @daily or @every 5m"],
    ["@every soon", '"soon" is not a Go duration such as 5s, 1m30s or 2h'],
  ])("an invalid expression %j says why", async (cronExpression, reason) => {
    const { scheduler } = schedulerPlugin();
    expect(await scheduler.scheduleRecurring({ cronExpression })).toEqual({
      scheduleId: "",
      error: `invalid cron expression "${cronExpression}": ${reason}`,
    });
  });

  test("a run never overlaps the previous run of the same job", async () => {
    let finishRun: () => void = () => {};
    const { scheduler, calls } = schedulerPlugin(() => new Promise<void>((resolve) => (finishRun = resolve)));
    await scheduler.scheduleRecurring({ cronExpression: "@every 1s", scheduleId: "busy" });
    await seconds(5);
    expect(calls).toHaveLength(1);
    finishRun();
    await seconds(1);
    expect(calls).toHaveLength(2);
  });

  test("a failing callback is logged and the job goes on", async () => {
    const errors: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn() {}, error: (message) => errors.push(message) };
    const { scheduler, calls } = schedulerPlugin(async () => {
      throw new Error("plugin broke");
    }, { logger });
    await scheduler.scheduleRecurring({ cronExpression: "@every 1s" });
    await seconds(2);
    expect(calls).toHaveLength(2);
    expect(errors).toEqual(["scheduler callback failed", "scheduler callback failed"]);
  });
});

describe("replace, cancel, unload, cap", () => {
  test("scheduling an existing id replaces the job", async () => {
    const { scheduler, calls } = schedulerPlugin();
    await scheduler.scheduleRecurring({ cronExpression: "@every 1s", scheduleId: "x", payload: payload("cron") });
    await scheduler.scheduleOneTime({ delaySeconds: 10, scheduleId: "x", payload: payload("A") });
    await scheduler.scheduleOneTime({ delaySeconds: 20, scheduleId: "x", payload: payload("B") });
    await seconds(30);
    expect(calls).toEqual([{ scheduleId: "x", payload: payload("B"), isRecurring: false }]);
  });

  test("cancel stops a job; an unknown id is an error", async () => {
    const { scheduler, calls } = schedulerPlugin();
    await scheduler.scheduleOneTime({ delaySeconds: 5, scheduleId: "once" });
    await scheduler.scheduleRecurring({ cronExpression: "@every 1s", scheduleId: "often" });
    expect(await scheduler.cancelSchedule({ scheduleId: "once" })).toEqual({ success: true, error: "" });
    expect(await scheduler.cancelSchedule({ scheduleId: "often" })).toEqual({ success: true, error: "" });
    await seconds(10);
    expect(calls).toEqual([]);
    expect(await scheduler.cancelSchedule({ scheduleId: "once" })).toEqual({
      success: false,
      error: 'no scheduled job with id "once"',
    });
  });

  test("unloading the plugin stops all its jobs and refuses new ones", async () => {
    const { services, scheduler, calls } = schedulerPlugin();
    await scheduler.scheduleOneTime({ delaySeconds: 5 });
    await scheduler.scheduleRecurring({ cronExpression: "@every 1s" });
    await services.close();
    await seconds(60);
    expect(calls).toEqual([]);
    expect(scheduler.scheduleIds()).toEqual([]);
    expect((await scheduler.scheduleOneTime({ delaySeconds: 1 })).error).toBe("the scheduler of this plugin is closed");
  });

  test("live jobs are capped per plugin; replacing does not count", async () => {
    const { scheduler } = schedulerPlugin(async () => {}, { scheduler: { maxJobsPerPlugin: 2 } });
    await scheduler.scheduleOneTime({ delaySeconds: 60, scheduleId: "a" });
    await scheduler.scheduleOneTime({ delaySeconds: 60, scheduleId: "b" });
    expect((await scheduler.scheduleOneTime({ delaySeconds: 60, scheduleId: "c" })).error).toBe(
      'plugin "scheduler-plugin" already has 2 scheduled jobs, the most allowed',
    );
    expect((await scheduler.scheduleRecurring({ cronExpression: "* * * * *", scheduleId: "b" })).error).toBe("");
    await seconds(60);
    expect((await scheduler.scheduleOneTime({ delaySeconds: 60, scheduleId: "c" })).error).toBe("");
  });

  test("a payload or id past its limit is refused and nothing is kept; the limits are options", async () => {
    const { scheduler } = schedulerPlugin();
    const big = new Uint8Array(16 * 1024 * 1024);
    expect(await scheduler.scheduleOneTime({ delaySeconds: 60, payload: big })).toEqual({
      scheduleId: "",
      error: `payload of ${16 * 1024 * 1024} bytes is larger than the limit of 65536 bytes (scheduler.maxPayloadBytes)`,
    });
    expect((await scheduler.scheduleRecurring({ cronExpression: "* * * * *", scheduleId: "é".repeat(129) })).error).toBe(
      "schedule_id of 258 bytes is longer than the limit of 256 bytes (scheduler.maxScheduleIdBytes)",
    );
    expect((await scheduler.scheduleOneTime({ delaySeconds: 60, payload: new Uint8Array(65536), scheduleId: "x".repeat(256) })).error).toBe("");
    expect(scheduler.scheduleIds()).toEqual(["x".repeat(256)]);

    const { scheduler: strict } = schedulerPlugin(async () => {}, { scheduler: { maxPayloadBytes: 4, maxScheduleIdBytes: 2 } });
    expect((await strict.scheduleOneTime({ delaySeconds: 1, payload: payload("12345") })).error).toMatch(/limit of 4 bytes/);
    expect((await strict.scheduleOneTime({ delaySeconds: 1, scheduleId: "abc" })).error).toMatch(/limit of 2 bytes/);
    expect(strict.scheduleIds()).toEqual([]);
  });

  test("a plugin without SchedulerCallback cannot schedule", async () => {
    const { scheduler } = schedulerPlugin(null);
    expect((await scheduler.scheduleOneTime({ delaySeconds: 1 })).error).toBe(
      'plugin "scheduler-plugin" does not implement SchedulerCallback, so a job could never run',
    );
  });
});
