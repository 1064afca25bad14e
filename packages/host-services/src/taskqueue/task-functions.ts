import type { UserFunction } from "../gen2/gen2-services.js";
import type { TaskQueueService } from "./taskqueue-service.js";

function taskqueueOf(services: { taskqueue?: TaskQueueService }): TaskQueueService {
  // Linked only with the taskqueue permission, which creates the service.
  return services.taskqueue!;
}

/** Task queue (`taskqueue` permission): JSON requests and answers of Navidrome v0.63. */
export const TASK_FUNCTIONS: Record<string, UserFunction> = {
  async task_createqueue(services, request) {
    const config = request.object("config");
    await taskqueueOf(services).createQueue(request.string("name"), {
      concurrency: config.int32("concurrency"),
      maxRetries: config.int32("maxRetries"),
      backoffMs: Number(config.int64("backoffMs")),
      delayMs: Number(config.int64("delayMs")),
      retentionMs: Number(config.int64("retentionMs")),
    });
    return {};
  },
  async task_enqueue(services, request) {
    return { result: await taskqueueOf(services).enqueue(request.string("queueName"), request.bytes("payload")) };
  },
  async task_get(services, request) {
    return { result: await taskqueueOf(services).get(request.string("taskId")) };
  },
  async task_cancel(services, request) {
    await taskqueueOf(services).cancel(request.string("taskId"));
    return {};
  },
  async task_clearqueue(services, request) {
    return { result: BigInt(await taskqueueOf(services).clearQueue(request.string("queueName"))) };
  },
};
