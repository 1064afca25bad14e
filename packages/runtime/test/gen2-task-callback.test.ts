import { PluginManager } from "@nd/runtime";
import { gen2Plugin, gen2WatPlugin, pluginsFolder } from "@nd/testing";
import { afterEach, expect, test } from "vitest";
import { gen2Callbacks } from "../src/managing/gen2-start.js";
import { memoryLogger } from "./support/wat-plugins.js";

const managers: PluginManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

/** nd_task_execute answers a JSON string quoting its whole request, so the test sees what it was given. */
const TASK_WORKER = gen2WatPlugin(`
  (func (export "nd_task_execute") (result i32)
    (local $len i32) (local $i i32)
    (local.set $len (call $input (i32.const 1025)))
    (i32.store8 (i32.const 1024) (i32.const 34))
    ;; the request's quotes become single quotes so the answer stays one JSON string
    (block $done (loop $swap
      (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
      (if (i32.eq (i32.load8_u (i32.add (i32.const 1025) (local.get $i))) (i32.const 34))
        (then (i32.store8 (i32.add (i32.const 1025) (local.get $i)) (i32.const 39))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $swap)))
    (i32.store8 (i32.add (i32.const 1025) (local.get $len)) (i32.const 34))
    (call $output (i32.const 1024) (i32.add (local.get $len) (i32.const 2)))
    (i32.const 0))`);

test("a task reaches nd_task_execute as v0.63's request (payload in base64) and its JSON string output is the task's message", async () => {
  const { logger } = memoryLogger();
  const folder = pluginsFolder([gen2Plugin("worker", TASK_WORKER)]);
  const manager = new PluginManager({ folder, workers: 1, logger });
  managers.push(manager);
  await manager.start();
  expect(manager.list()[0]?.capabilities).toEqual(["TaskWorker"]);

  const callbacks = gen2Callbacks("worker", logger, () => false, (exportName, input) => manager.callExport("worker", exportName, input));
  const message = await callbacks.onTaskExecute!({ queueName: "q", taskId: "t-1", payload: new TextEncoder().encode("job"), attempt: 2 });
  expect(JSON.parse(message.replaceAll("'", '"'))).toEqual({ queueName: "q", taskId: "t-1", payload: "am9i", attempt: 2 });
});
