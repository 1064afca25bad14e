import { PluginManager } from "@nd/runtime";
import { gen2Plugin, gen2WatPlugin, pluginsFolder } from "@nd/testing";
import { afterEach, expect, test } from "vitest";
import { memoryLogger } from "./support/wat-plugins.js";

const managers: PluginManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

const SCHEDULE = '{"delaySeconds":1,"payload":"tick","scheduleId":"s1"}';

test("nd_on_init schedules a one-time job; the scheduler calls nd_scheduler_callback with its JSON request", async () => {
  const wasm = gen2WatPlugin(
    `(data (i32.const 512) "${SCHEDULE.replaceAll('"', '\\"')}")
     (func (export "nd_on_init") (result i32)
       (drop (call $schedule (call $to_block (i32.const 512) (i32.const ${SCHEDULE.length}))))
       (i32.const 0))
     (func (export "nd_scheduler_callback") (result i32)
       (call $log_info (call $to_block (i32.const 1024) (call $input (i32.const 1024))))
       (i32.const 0))`,
    {
      imports: `(import "extism:host/user" "scheduler_scheduleonetime" (func $schedule (param i64) (result i64)))
        (import "extism:host/env" "log_info" (func $log_info (param i64)))`,
    },
  );
  const { logger, lines } = memoryLogger();
  const manager = new PluginManager({ folder: pluginsFolder([gen2Plugin("ticker", wasm, { scheduler: {} })]), workers: 1, logger });
  managers.push(manager);
  await manager.start();
  expect(manager.list()[0]).toMatchObject({ state: "loaded", capabilities: ["Lifecycle", "Scheduler"] });
  await until(() => lines.some((line) => line.startsWith("info: [ticker] {")));
  const logged = lines.find((line) => line.startsWith("info: [ticker] {"))!;
  expect(JSON.parse(logged.slice("info: [ticker] ".length))).toEqual({ scheduleId: "s1", payload: "tick", isRecurring: false });
});
