// One `nd serve` on its embedded store (SQLite under the data folder), killed with SIGKILL:
// what a generation-2 plugin stored, and the tasks it queued, are there when nd serve comes back.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { goAvailableFor } from "@nd/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startServeProcess, type ServeProcess } from "./support/serve-process.js";

const testbed = fileURLToPath(new URL("../../../examples/go-gen2-testbed/go-gen2-testbed.ndp", import.meta.url));
const runs = goAvailableFor("the SQLite restart test (nd serve with examples/go-gen2-testbed)", ["go"]) ? test : test.skip;

const base64 = (text: string) => Buffer.from(text).toString("base64");
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let root: string;
const processes: ServeProcess[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "nd-sqlite-restart-"));
  mkdirSync(join(root, "plugins"));
  copyFileSync(testbed, join(root, "plugins", "testbed.ndp"));
  writeFileSync(join(root, "nd.toml"), `DataFolder = "${join(root, "data")}"\n`);
});

afterAll(async () => {
  await Promise.all(processes.map((serve) => serve.stop("SIGKILL")));
  rmSync(root, { recursive: true, force: true });
});

async function serve(): Promise<ServeProcess> {
  const started = await startServeProcess(["--folder", join(root, "plugins"), "--config", join(root, "nd.toml")], "testbed", { XDG_DATA_HOME: join(root, "home") });
  processes.push(started);
  return started;
}

runs("a kvstore value and queued tasks survive a SIGKILL of nd serve; the tasks run once it is back", async () => {
  const first = await serve();
  const call = (host: ServeProcess, exportName: string, input: unknown) => host.callExport("testbed", exportName, input);
  expect(await call(first, "nd_test_kvstore", { operation: "set", key: "kept", value: base64("across a crash") })).toEqual({});
  // One task a minute: the first runs at once, the others wait in the queue when the host dies.
  expect(await call(first, "nd_test_taskqueue", { operation: "create_queue", name: "slow", config: { delayMs: 60_000 } })).toEqual({});
  const taskIds: string[] = [];
  for (const payload of ["one", "two", "three"]) {
    taskIds.push((await call(first, "nd_test_taskqueue", { operation: "enqueue", queueName: "slow", payload: base64(payload) })).result);
  }
  const statusOn = async (host: ServeProcess, taskId: string) =>
    (await call(host, "nd_test_taskqueue", { operation: "get_task_status", taskId })).result.status as string;
  expect(await statusOn(first, taskIds[2]!)).toBe("pending");
  await first.stop("SIGKILL");

  const second = await serve();
  expect(await call(second, "nd_test_kvstore", { operation: "get", key: "kept" })).toEqual({ value: base64("across a crash"), exists: true });
  // Queues live for one load, as in Navidrome: the plugin creates its queue again, and what was queued runs.
  expect(await call(second, "nd_test_taskqueue", { operation: "create_queue", name: "slow", config: { concurrency: 3 } })).toEqual({});
  for (const taskId of taskIds) {
    while ((await statusOn(second, taskId)) !== "completed") await delay(100);
  }
}, 60_000);
