import { describe, expect, test } from "vitest";
import { ownPluginConfig, pluginConfigAsSeen } from "../src/index.js";

describe("a plugin's config", () => {
  test("is only the plugin's own table, never one reached through a prototype", () => {
    const inherited = Object.create({ victim: { token: "someone else's" } }) as Record<string, Record<string, string>>;
    inherited["mine"] = { key: "v" };
    expect(ownPluginConfig(inherited, "victim")).toEqual({});
    expect(ownPluginConfig(inherited, "mine")).toEqual({ key: "v" });
    expect(ownPluginConfig(inherited, "__proto__")).toEqual({});
    expect(ownPluginConfig(inherited, "constructor")).toEqual({});
    expect(ownPluginConfig(undefined, "mine")).toEqual({});
  });

  test("as seen: keys lowercased into a map without a prototype, reserved keys left out", () => {
    const table = JSON.parse('{"ClientID":"c","__proto__":"x","Constructor":"y","prototype":"z"}') as Record<string, string>;
    const seen = pluginConfigAsSeen(table);
    expect(Object.getPrototypeOf(seen)).toBeNull();
    expect(Object.keys(seen)).toEqual(["clientid"]);
  });
});
