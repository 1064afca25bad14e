import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { type HostServicesOptions, ServicesClosedError } from "../src/index.js";
import type { SchedulerCallbackRequest } from "../src/messages.js";
import { callJson, gen2PluginWith } from "./support/gen2-plugin.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2030-01-01T00:00:00.000Z"));
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  vi.useRealTimers();
});

interface Fired {
  scheduleId: string;
  payload: string;
  isRecurring: boolean;
  at: number;
}

function schedulerPlugin(options: HostServicesOptions = {}, fired: Fired[] = []) {
  const onSchedulerCallback = async ({ scheduleId, payload, isRecurring }: SchedulerCallbackRequest) => {
    fired.push({ scheduleId, payload: new TextDecoder().decode(payload), isRecurring, at: Date.now() });
  };
  const plugin = gen2PluginWith({ scheduler: {} }, options, { id: "sched", callbacks: { onSchedulerCallback } });
  cleanups.push(plugin.close);
  return { services: plugin.services, fired };
}

const seconds = (count: number) => vi.advanceTimersByTimeAsync(count * 1000);

describe("generation-2 scheduler service", () => {
  test("a one-time schedule fires once with its payload; an empty id gets a generated one", async () => {
    const { services, fired } = schedulerPlugin();
    expect(await callJson(services, "scheduler_scheduleonetime", { delaySeconds: 2, payload: "hi", scheduleId: "a" })).toEqual({
      newScheduleId: "a",
    });
    const generated = await callJson(services, "scheduler_scheduleonetime", { delaySeconds: 1 });
    expect(generated.newScheduleId).toMatch(/^[0-9a-f-]{36}$/);
    await seconds(3);
    expect(fired.map(({ scheduleId, payload, isRecurring }) => [scheduleId, payload, isRecurring])).toEqual([
      [generated.newScheduleId, "", false],
      ["a", "hi", false],
    ]);
  });

  test("a live id cannot be scheduled twice (v0.63's text); once fired it can", async () => {
    const { services, fired } = schedulerPlugin();
    await callJson(services, "scheduler_scheduleonetime", { delaySeconds: 1, scheduleId: "dup" });
    expect(await callJson(services, "scheduler_schedulerecurring", { cronExpression: "@hourly", scheduleId: "dup" })).toEqual({
      error: 'schedule ID "dup" already exists',
    });
    await seconds(1);
    expect(fired).toHaveLength(1);
    expect(await callJson(services, "scheduler_scheduleonetime", { delaySeconds: 1, scheduleId: "dup" })).toEqual({
      newScheduleId: "dup",
    });
  });

  test("cancel stops a schedule; an unknown id is v0.63's error", async () => {
    const { services, fired } = schedulerPlugin();
    await callJson(services, "scheduler_schedulerecurring", { cronExpression: "@every 1s", scheduleId: "r" });
    await seconds(2);
    expect(await callJson(services, "scheduler_cancelschedule", { scheduleId: "r" })).toEqual({});
    const before = fired.length;
    await seconds(3);
    expect(fired).toHaveLength(before);
    expect(before).toBe(2);
    expect(await callJson(services, "scheduler_cancelschedule", { scheduleId: "r" })).toEqual({
      error: 'schedule ID "r" not found',
    });
  });

  test.each([
    ["*/2 * * * * *", 2],
    ["5m", 300],
    ["@every 90s", 90],
    ["CRON_TZ=UTC 30 * * * * *", 60],
  ])("the recurring schedule %s runs every %i s, flagged recurring", async (cronExpression, period) => {
    const { services, fired } = schedulerPlugin();
    expect((await callJson(services, "scheduler_schedulerecurring", { cronExpression, payload: "p" })).error).toBeUndefined();
    await seconds(period * 3);
    expect(fired.length).toBeGreaterThanOrEqual(2);
    const gaps = fired.slice(1).map((run, index) => run.at - fired[index]!.at);
    expect(new Set(gaps)).toEqual(new Set([period * 1000]));
    expect(fired.every((run) => run.isRecurring && run.payload === "p")).toBe(true);
  });

  test("random ranges are refused with a clear error; a malformed expression names the fields", async () => {
    const { services } = schedulerPlugin();
    const random = await callJson(services, "scheduler_schedulerecurring", { cronExpression: "0~30 * * * *" });
    expect(random.error).toContain('random ranges ("~") are not supported');
    const short = await callJson(services, "scheduler_schedulerecurring", { cronExpression: "* * *" });
    expect(short.error).toContain("five or six fields");
  });

  test("beforeFire lets two hosts sharing a claim table fire each run once", async () => {
    const claimed = new Set<string>();
    const calls: [string, number, string][] = [];
    const beforeFire = async (scheduleId: string, nominal: number, pluginId: string) => {
      calls.push([scheduleId, nominal, pluginId]);
      const key = `${pluginId}/${scheduleId}/${nominal}`;
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    };
    const fired: Fired[] = [];
    const replicas = [schedulerPlugin({ scheduler: { beforeFire } }, fired), schedulerPlugin({ scheduler: { beforeFire } }, fired)];
    for (const { services } of replicas) {
      await callJson(services, "scheduler_schedulerecurring", { cronExpression: "* * * * * *", scheduleId: "tick" });
    }
    await seconds(3);
    expect(fired.map((run) => run.scheduleId)).toEqual(["tick", "tick", "tick"]);
    expect(calls).toHaveLength(6);
    expect(calls.every(([id, nominal, plugin]) => id === "tick" && nominal % 1000 === 0 && plugin === "sched")).toBe(true);
  });

  test("closing the plugin's services stops its schedules; later calls throw ServicesClosedError", async () => {
    const { services, fired } = schedulerPlugin();
    await callJson(services, "scheduler_schedulerecurring", { cronExpression: "@every 1s", scheduleId: "r" });
    await seconds(1);
    await services.close();
    await seconds(3);
    expect(fired).toHaveLength(1);
    await expect(callJson(services, "scheduler_cancelschedule", { scheduleId: "r" })).rejects.toBeInstanceOf(ServicesClosedError);
  });

  test("is linked only with the scheduler permission", () => {
    const { services } = schedulerPlugin();
    expect(services.importNames).toEqual(expect.arrayContaining(["scheduler_scheduleonetime", "scheduler_cancelschedule"]));
    const bare = gen2PluginWith({});
    cleanups.push(bare.close);
    expect(bare.services.importNames.some((name) => name.startsWith("scheduler_"))).toBe(false);
  });
});
