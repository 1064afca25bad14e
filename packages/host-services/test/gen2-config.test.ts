import { gen2 } from "@nd/protocol";
import { afterAll, describe, expect, test } from "vitest";
import { createHostServices, HostCallError, PermissionError } from "../src/index.js";

const host = createHostServices();
afterAll(() => host.close());

const plugin = (config: Record<string, string>, permissions: Record<string, unknown> = {}) =>
  host.forPlugin({ name: "Config Test", id: "config-test", generation: 2, permissions, config });

async function call(services: ReturnType<typeof plugin>, importName: string, request: string): Promise<string> {
  return new TextDecoder().decode(await services.call(importName, new TextEncoder().encode(request)));
}

describe("generation-2 config service", () => {
  const services = plugin({ api_key: "secret", Region: "eu", timeout: "30", big: "9223372036854775807", ratio: "1.5", empty: "" });

  test("is linked without any permission, and nothing else is", () => {
    expect([...services.importNames].sort()).toEqual([...gen2.HOST_SERVICES.config.functions].sort());
  });

  test("config_get answers the value as stored (keys keep their case), omitting empty fields", async () => {
    expect(await call(services, "config_get", '{"key":"api_key"}')).toBe('{"value":"secret","exists":true}');
    expect(await call(services, "config_get", '{"key":"Region"}')).toBe('{"value":"eu","exists":true}');
    expect(await call(services, "config_get", '{"key":"region"}')).toBe("{}");
    expect(await call(services, "config_get", '{"key":"empty"}')).toBe('{"exists":true}');
  });

  test("request keys match in any case and unknown keys are ignored, as Go's encoding/json", async () => {
    expect(await call(services, "config_get", '{"KEY":"api_key","extra":[1,2]}')).toBe('{"value":"secret","exists":true}');
    expect(await call(services, "config_get", "{}")).toBe("{}");
    expect(await call(services, "config_get", '{"key":"timeout","Key":"api_key"}')).toBe('{"value":"secret","exists":true}');
  });

  test("config_getint parses base-10 int64 exactly, anything else does not exist", async () => {
    expect(await call(services, "config_getint", '{"key":"timeout"}')).toBe('{"value":30,"exists":true}');
    expect(await call(services, "config_getint", '{"key":"big"}')).toBe('{"value":9223372036854775807,"exists":true}');
    expect(await call(services, "config_getint", '{"key":"ratio"}')).toBe("{}");
    expect(await call(services, "config_getint", '{"key":"api_key"}')).toBe("{}");
    expect(await call(services, "config_getint", '{"key":"missing"}')).toBe("{}");
  });

  test("config_keys lists the keys with a prefix, sorted; an empty prefix lists all", async () => {
    expect(await call(services, "config_keys", '{"prefix":"t"}')).toBe('{"keys":["timeout"]}');
    expect(JSON.parse(await call(services, "config_keys", "{}")).keys).toEqual(
      ["Region", "api_key", "big", "empty", "ratio", "timeout"],
    );
    expect(await call(services, "config_keys", '{"prefix":"zzz"}')).toBe("{}");
  });

  test("a field of the wrong type is the service's error envelope", async () => {
    const answer = JSON.parse(await call(services, "config_get", '{"key":12}'));
    expect(Object.keys(answer)).toEqual(["error"]);
    expect(answer.error).toMatch(/cannot unmarshal number 12 into field "key" of type string/);
  });

  test("bytes that are not a JSON object fail the host call", async () => {
    await expect(call(services, "config_get", "{not json")).rejects.toBeInstanceOf(HostCallError);
    await expect(call(services, "config_get", "[1]")).rejects.toBeInstanceOf(HostCallError);
  });

  test("a function of a service not granted is a PermissionError naming the permission", async () => {
    const error = await call(services, "cache_getstring", '{"key":"x"}').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).permission).toBe("cache");
    expect((error as Error).message).toContain("extism:host/user.cache_getstring");
  });

  test("an unknown name is a HostCallError", async () => {
    await expect(call(services, "config_list", "{}")).rejects.toBeInstanceOf(HostCallError);
  });

  test("generation-1 plugins keep their protobuf services", () => {
    const gen1 = host.forPlugin({ name: "old", permissions: { config: {} }, config: {} });
    expect(gen1.importNames).toContain("get_plugin_config");
    expect(gen1.config).toBeDefined();
  });
});
