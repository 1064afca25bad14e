// Generation 2's tables checked against literal facts of the contract (export and import names).
import { describe, expect, test } from "vitest";
import { gen2 } from "../src/index.js";

describe("generation 2 ABI tables", () => {
  test("capabilities are detected from any one of their exports", () => {
    expect(gen2.detectCapabilities(["_initialize", "memory", "nd_get_artist_biography"])).toEqual(["MetadataAgent"]);
    expect(gen2.detectCapabilities(["nd_scrobbler_playback_report", "nd_on_init", "nd_task_execute"])).toEqual([
      "Scrobbler",
      "TaskWorker",
      "Lifecycle",
    ]);
    expect(gen2.detectCapabilities(["metadata_agent_get_artist_mbid", "nd_test_kvstore"])).toEqual([]);
  });

  test("every export is nd_-prefixed and unique", () => {
    const exports = Object.values(gen2.CAPABILITIES).flatMap((methods) => Object.values(methods));
    expect(exports).toHaveLength(25);
    expect(new Set(exports).size).toBe(exports.length);
  });

  test("host functions map to their service and permission", () => {
    expect(gen2.findHostFunction("task_enqueue")).toEqual({
      importName: "task_enqueue",
      service: "task",
      permission: "taskqueue",
    });
    expect(gen2.findHostFunction("config_keys")?.permission).toBeNull();
    expect(gen2.findHostFunction("get_string")).toBeUndefined();
  });

  test("every permission but config links at least one function", () => {
    const linked = new Set(Object.values(gen2.HOST_SERVICES).map((service) => service.permission));
    for (const permission of gen2.PERMISSION_NAMES) expect(linked.has(permission)).toBe(true);
  });
});
