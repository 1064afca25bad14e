import { PluginBusyError, PluginLimitError, PluginMemoryError, PluginTimeoutError } from "@nd/runtime";
import { GEN2_ECHO, gen2Plugin, gen2WatPlugin, pluginsFolder } from "@nd/testing";
import { expect, test } from "vitest";
import { startedManagers } from "./support/started-managers.js";

const MIB = 1024 * 1024;

const start = startedManagers();

const RUNAWAY = `(func (export "nd_test_spin") (result i32) (loop $forever (br $forever)) (i32.const 0))`;

test("a runaway loop ends at its deadline and another plugin's call still answers", async () => {
  const folder = pluginsFolder([
    gen2Plugin("runaway", gen2WatPlugin(RUNAWAY)),
    gen2Plugin("echo", gen2WatPlugin(GEN2_ECHO("nd_test_echo"))),
  ]);
  const { manager } = await start(folder, { callTimeoutMs: 300 });
  const spinning = expect(manager.callExport("runaway", "nd_test_spin")).rejects.toBeInstanceOf(PluginTimeoutError);
  const echoed = await manager.callExport("echo", "nd_test_echo", "still here");
  expect(new TextDecoder().decode(echoed)).toBe("still here");
  await spinning;
  expect(new TextDecoder().decode(await manager.callExport("echo", "nd_test_echo", "after"))).toBe("after");
});

test("growing linear memory past the cap fails the call with PluginMemoryError", async () => {
  const grow = gen2WatPlugin(`
    (func (export "nd_test_grow") (result i32)
      (loop $more (br_if $more (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
      unreachable)`);
  const { manager } = await start(pluginsFolder([gen2Plugin("grower", grow)]), { memoryLimitBytes: 32 * MIB });
  await expect(manager.callExport("grower", "nd_test_grow")).rejects.toBeInstanceOf(PluginMemoryError);
});

test("allocating kernel blocks forever fails the call with PluginMemoryError; the host stays well", async () => {
  const hoard = gen2WatPlugin(`
    (func (export "nd_test_hoard") (result i32)
      (loop $more (drop (call $alloc (i64.const 1048576))) (br $more))
      (i32.const 0))`);
  const folder = pluginsFolder([gen2Plugin("hoarder", hoard), gen2Plugin("echo", gen2WatPlugin(GEN2_ECHO("nd_test_echo")))]);
  const { manager } = await start(folder, { memoryLimitBytes: 32 * MIB });
  const failure = manager.callExport("hoarder", "nd_test_hoard");
  await expect(failure).rejects.toBeInstanceOf(PluginMemoryError);
  await expect(failure).rejects.toThrow("out of memory");
  expect(new TextDecoder().decode(await manager.callExport("echo", "nd_test_echo", "fine"))).toBe("fine");
});

test("an output larger than maxResultBytes is refused", async () => {
  const huge = gen2WatPlugin(`
    (func (export "nd_test_huge") (result i32)
      (call $output_set (call $alloc (i64.const 2097152)) (i64.const 2097152))
      (i32.const 0))`);
  const { manager } = await start(pluginsFolder([gen2Plugin("huge", huge)]), { maxResultBytes: MIB });
  const failure = manager.callExport("huge", "nd_test_huge");
  await expect(failure).rejects.toBeInstanceOf(PluginLimitError);
  await expect(failure).rejects.toThrow("maxResultBytes");
});

test("a log flood is cut to a bounded number of lines per call", async () => {
  const flood = gen2WatPlugin(
    `(data (i32.const 512) "again")
     (func (export "nd_test_flood") (result i32)
      (local $n i32)
      (local.set $n (i32.const 5000))
      (loop $more
        (call $log_info (call $to_block (i32.const 512) (i32.const 5)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $more (local.get $n)))
      (i32.const 0))`,
    { imports: `(import "extism:host/env" "log_info" (func $log_info (param i64)))` },
  );
  const { manager, lines } = await start(pluginsFolder([gen2Plugin("flood", flood)]));
  await manager.callExport("flood", "nd_test_flood");
  const logged = lines.filter((line) => line.startsWith("info: [flood]"));
  expect(logged.length).toBeLessThanOrEqual(1001);
  expect(logged.at(-1)).toContain("4000 more lines cut");
});

test("a table bomb ignoring the refusals past maxTableElements ends at its deadline; another plugin still answers", async () => {
  const tables = Array.from({ length: 4 }, (_, i) => `(table $t${i} 0 externref)`).join("\n");
  const grow = Array.from({ length: 4 }, (_, i) => `(drop (table.grow $t${i} (ref.null extern) (i32.const 10000)))`).join("\n");
  const bomb = gen2WatPlugin(`
    ${tables}
    (func (export "nd_test_tables") (result i32)
      (loop $forever ${grow} (br $forever))
      (i32.const 0))`);
  const folder = pluginsFolder([gen2Plugin("bomb", bomb), gen2Plugin("echo", gen2WatPlugin(GEN2_ECHO("nd_test_echo")))]);
  const { manager } = await start(folder, { callTimeoutMs: 500, maxTableElements: 1000 });
  await expect(manager.callExport("bomb", "nd_test_tables")).rejects.toBeInstanceOf(PluginTimeoutError);
  expect(new TextDecoder().decode(await manager.callExport("echo", "nd_test_echo", "still here"))).toBe("still here");
});

test("a flood of calls to one plugin is bounded by its queue: the excess is refused, the others and another plugin answer", async () => {
  const folder = pluginsFolder([gen2Plugin("flooded", gen2WatPlugin(GEN2_ECHO("nd_test_echo"))), gen2Plugin("quiet", gen2WatPlugin(GEN2_ECHO("nd_test_echo")))]);
  const { manager } = await start(folder, { maxInstancesPerPlugin: 2, maxQueuedCallsPerPlugin: 8 });
  const outcomes = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => manager.callExport("flooded", "nd_test_echo", `${i}`)));
  const refused = outcomes.filter((outcome) => outcome.status === "rejected");
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.every((outcome) => (outcome as PromiseRejectedResult).reason instanceof PluginBusyError)).toBe(true);
  expect(outcomes.length - refused.length).toBeGreaterThanOrEqual(10);
  expect(new TextDecoder().decode(await manager.callExport("quiet", "nd_test_echo", "answered"))).toBe("answered");
});
