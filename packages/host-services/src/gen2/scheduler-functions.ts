import { ServiceError } from "../errors.js";
import type { SchedulerService } from "../scheduler/scheduler-service.js";
import type { Gen2Services, UserFunction } from "./gen2-services.js";

const schedulerOf = (services: Gen2Services) => services.scheduler as SchedulerService;
const utf8 = new TextEncoder();

/** The answer of a schedule call: the job's id, or its error as the envelope. */
function scheduled(answer: { scheduleId: string; error: string }): object {
  if (answer.error) throw new ServiceError(answer.error);
  return { newScheduleId: answer.scheduleId };
}

/**
 * Scheduler (`scheduler`): generation 1's scheduler under v0.63's rules (ids, cron dialect).
 * The string payload reaches onSchedulerCallback as its UTF-8 bytes.
 */
export const SCHEDULER_FUNCTIONS: Record<string, UserFunction> = {
  async scheduler_scheduleonetime(services, request) {
    const answer = await schedulerOf(services).scheduleOneTime({
      scheduleId: request.string("scheduleId"),
      delaySeconds: request.int32("delaySeconds"),
      payload: utf8.encode(request.string("payload")),
    });
    return scheduled(answer);
  },
  async scheduler_schedulerecurring(services, request) {
    const answer = await schedulerOf(services).scheduleRecurring({
      scheduleId: request.string("scheduleId"),
      cronExpression: request.string("cronExpression"),
      payload: utf8.encode(request.string("payload")),
    });
    return scheduled(answer);
  },
  async scheduler_cancelschedule(services, request) {
    const answer = await schedulerOf(services).cancelSchedule({ scheduleId: request.string("scheduleId") });
    if (answer.error) throw new ServiceError(answer.error);
    return {};
  },
};
