import { randomUUID } from "node:crypto";
import type { schedule as ScheduleCron } from "node-cron";

type TaskContext = Parameters<Extract<Parameters<typeof ScheduleCron>[1], (...args: never[]) => unknown>>[0];
import { loadCron } from "../lazy-modules.js";
import type { Logger, ResolvedOptions } from "../options.js";
import { type CronPlan, MAX_CRON_EXPRESSION_LENGTH, parseCronDialect } from "./cron-dialect.js";
import { parseCronDialectV063 } from "./cron-dialect-v063.js";
import { startEveryTimer } from "./every-timer.js";
import { startOneTimeTimer } from "./one-time-timer.js";
import type * as Messages from "../messages.js";

/** SchedulerService: one-time and cron jobs that call back into the plugin's SchedulerCallback. */
export interface SchedulerService {
  scheduleOneTime(request: Partial<Messages.ScheduleOneTimeRequest>): Promise<Messages.ScheduleResponse>;
  scheduleRecurring(request: Partial<Messages.ScheduleRecurringRequest>): Promise<Messages.ScheduleResponse>;
  cancelSchedule(request: Partial<Messages.CancelRequest>): Promise<Messages.CancelResponse>;
  /** Not a wire function: the ids of the plugin's live jobs. */
  scheduleIds(): string[];
}

export interface ClosableSchedulerService extends SchedulerService {
  /** Stops every job; later scheduling is refused. */
  close(): void;
}

export type SchedulerCallback = (request: Messages.SchedulerCallbackRequest) => Promise<void>;

interface Job {
  stop(): void;
}

/** What differs between the generations' schedulers. */
export interface SchedulerRules {
  parseCron(expression: string): CronPlan | string;
  /** The error for an id already scheduled; absent: the new job replaces the old one. */
  duplicateId?(id: string): string;
  notFound(id: string): string;
}

/** Generation 1 (Navidrome v0.57): five-field cron, a live id is replaced. */
export const SCHEDULER_RULES_V057: SchedulerRules = {
  parseCron: (expression) => parseCronDialect(expression),
  notFound: (id) => `no scheduled job with id "${id}"`,
};

/** Generation 2 (Navidrome v0.63): optional seconds and bare durations, a live id is an error. */
export const SCHEDULER_RULES_V063: SchedulerRules = {
  parseCron: parseCronDialectV063,
  duplicateId: (id) => `schedule ID "${id}" already exists`,
  notFound: (id) => `schedule ID "${id}" not found`,
};

export function createSchedulerService(
  pluginName: string,
  callback: SchedulerCallback | undefined,
  limits: ResolvedOptions["scheduler"],
  logger: Logger,
  rules: SchedulerRules = SCHEDULER_RULES_V057,
): ClosableSchedulerService {
  const jobs = new Map<string, Job>();
  const cron = loadCron();
  let closed = false;

  const cronLogger = {
    info: (message: string) => logger.debug(message, { plugin: pluginName }),
    warn: (message: string) => logger.warn(message, { plugin: pluginName }),
    error: (message: string | Error) => logger.error(String(message), { plugin: pluginName }),
    debug: (message: string | Error) => logger.debug(String(message), { plugin: pluginName }),
  };

  /** Asks the host's beforeFire hook whether this replica fires the run; a failing hook lets it fire. */
  async function firesHere(scheduleId: string, nominalMs: number): Promise<boolean> {
    if (!limits.beforeFire) return true;
    try {
      return await limits.beforeFire(scheduleId, nominalMs, pluginName);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.error("scheduler beforeFire hook failed; the run fires", { plugin: pluginName, scheduleId, error: reason });
      return true;
    }
  }

  async function deliver(
    deliverTo: SchedulerCallback,
    request: Messages.SchedulerCallbackRequest,
    nominalMs: number,
  ): Promise<void> {
    try {
      if (!(await firesHere(request.scheduleId, nominalMs))) {
        logger.debug("a run fires elsewhere (beforeFire said no)", { plugin: pluginName, scheduleId: request.scheduleId });
        return;
      }
      await deliverTo(request);
    } catch (error) {
      logger.error("scheduler callback failed", {
        plugin: pluginName,
        scheduleId: request.scheduleId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Answers why a job cannot be added, or undefined. Replacing an existing id never hits the cap. */
  function refusal(id: string, given: { scheduleId?: string; payload?: Uint8Array }): string | undefined {
    if (closed) return "the scheduler of this plugin is closed";
    const { payload } = given;
    const idBytes = Buffer.byteLength(given.scheduleId ?? "", "utf8");
    if (idBytes > limits.maxScheduleIdBytes) {
      return `schedule_id of ${idBytes} bytes is longer than the limit of ${limits.maxScheduleIdBytes} bytes (scheduler.maxScheduleIdBytes)`;
    }
    if (payload && payload.byteLength > limits.maxPayloadBytes) {
      return `payload of ${payload.byteLength} bytes is larger than the limit of ${limits.maxPayloadBytes} bytes (scheduler.maxPayloadBytes)`;
    }
    if (!callback) return `plugin "${pluginName}" does not implement SchedulerCallback, so a job could never run`;
    if (jobs.has(id) && rules.duplicateId) return rules.duplicateId(id);
    if (!jobs.has(id) && jobs.size >= limits.maxJobsPerPlugin) {
      return `plugin "${pluginName}" already has ${limits.maxJobsPerPlugin} scheduled jobs, the most allowed`;
    }
    return undefined;
  }

  function install(id: string, job: Job): Messages.ScheduleResponse {
    jobs.get(id)?.stop();
    jobs.set(id, job);
    return { scheduleId: id, error: "" };
  }

  async function scheduleOneTime(input: Partial<Messages.ScheduleOneTimeRequest>): Promise<Messages.ScheduleResponse> {
    const id = input.scheduleId || randomUUID();
    const delaySeconds = input.delaySeconds ?? 0;
    const problem =
      delaySeconds < 0 ? `delay_seconds must not be negative, got ${delaySeconds}` : refusal(id, input);
    if (problem || !callback) return { scheduleId: "", error: problem ?? "" };
    const payload = input.payload ?? new Uint8Array();
    const dueMs = Date.now() + delaySeconds * 1000;
    const job: Job = {
      stop: startOneTimeTimer(delaySeconds * 1000, () => {
        if (jobs.get(id) === job) jobs.delete(id);
        void deliver(callback, { scheduleId: id, payload, isRecurring: false }, dueMs);
      }),
    };
    return install(id, job);
  }

  /** A cron run that is skipped while the previous run of the same job is still busy. */
  function withoutOverlap(
    deliverTo: SchedulerCallback,
    id: string,
    payload: Uint8Array,
  ): (nominalMs: number) => Promise<void> {
    let running = false;
    return async (nominalMs) => {
      if (running) {
        logger.warn("skipped a run of a recurring job still busy with its previous run", {
          plugin: pluginName,
          scheduleId: id,
        });
        return;
      }
      running = true;
      try {
        await deliver(deliverTo, { scheduleId: id, payload, isRecurring: true }, nominalMs);
      } finally {
        running = false;
      }
    };
  }

  function startPlan(
    plan: CronPlan,
    id: string,
    run: (nominalMs: number) => Promise<void>,
    scheduleCron: typeof ScheduleCron,
  ): Job {
    if (plan.kind === "every") {
      // A beforeFire hook means replicas: they must plan the same runs for its claim to pick one.
      const inCluster = limits.beforeFire !== undefined;
      return { stop: startEveryTimer(plan.intervalMs, inCluster, (plannedMs) => void run(plannedMs)) };
    }
    const runsOn = plan.runsOn;
    // The tick's own second, so every replica names the same run.
    const runTick = (context: TaskContext) => run(Math.floor(context.date.getTime() / 1000) * 1000);
    const runOnDay = runsOn ? (context: TaskContext) => (runsOn(new Date()) ? runTick(context) : undefined) : runTick;
    const task = scheduleCron(plan.expression, runOnDay, {
      name: `${pluginName}/${id}`,
      logger: cronLogger,
      ...(plan.timezone !== undefined && { timezone: plan.timezone }),
    });
    return { stop: () => void task.destroy() };
  }

  async function scheduleRecurring(
    input: Partial<Messages.ScheduleRecurringRequest>,
  ): Promise<Messages.ScheduleResponse> {
    // Before any check: nothing may change between the checks and the install.
    const { schedule: scheduleCron } = await cron;
    const id = input.scheduleId || randomUUID();
    const expression = input.cronExpression ?? "";
    const plan = rules.parseCron(expression);
    const shown = expression.length <= MAX_CRON_EXPRESSION_LENGTH ? ` "${expression}"` : "";
    const problem = typeof plan === "string" ? `invalid cron expression${shown}: ${plan}` : refusal(id, input);
    if (problem || !callback || typeof plan === "string") return { scheduleId: "", error: problem ?? "" };
    const run = withoutOverlap(callback, id, input.payload ?? new Uint8Array());
    try {
      return install(id, startPlan(plan, id, run, scheduleCron));
    } catch (error) {
      // node-cron may still refuse what the dialect let through.
      const reason = error instanceof Error ? error.message : String(error);
      return { scheduleId: "", error: `invalid cron expression "${expression}": ${reason}` };
    }
  }

  async function cancelSchedule(input: Partial<Messages.CancelRequest>): Promise<Messages.CancelResponse> {
    const id = input.scheduleId ?? "";
    const job = jobs.get(id);
    if (!job) return { success: false, error: rules.notFound(id) };
    job.stop();
    jobs.delete(id);
    return { success: true, error: "" };
  }

  return {
    scheduleOneTime,
    scheduleRecurring,
    cancelSchedule,
    scheduleIds: () => [...jobs.keys()],
    close() {
      closed = true;
      for (const job of jobs.values()) job.stop();
      jobs.clear();
    },
  };
}
