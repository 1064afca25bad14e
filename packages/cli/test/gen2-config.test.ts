import { parseConfig } from "@nd/cli";
import { describe, expect, test } from "vitest";

const FILE = "/etc/nd/nd.toml";

describe("generation-2 settings in the TOML config", () => {
  test("[PluginConfig.<id>] is flattened as Navidrome v0.63 does: strings as they are, anything else compact JSON with sorted keys", () => {
    const config = parseConfig(
      `[PluginConfig.wiki]
api_key = "k"
limit = 30
ratio = 1.5
enabled = true
hosts = ["a", "b"]
[PluginConfig.wiki.nested]
z = 1
a = { y = false }
`,
      FILE,
    );
    expect({ ...config.pluginConfig.wiki }).toEqual({
      api_key: "k",
      limit: "30",
      ratio: "1.5",
      enabled: "true",
      hosts: '["a","b"]',
      nested: '{"a":{"y":false},"z":1}',
    });
  });

  test("[PluginAccess.<id>] gives users, libraries and write access; absent means none", () => {
    const config = parseConfig(
      `[PluginAccess.wiki]
Users = "all"
Libraries = [1, 3]
WriteAccess = true
[PluginAccess.scrobbler]
Users = ["u1", "u2"]
`,
      FILE,
    );
    expect(config.pluginAccess.wiki).toEqual({ users: "all", libraries: [1, 3], writeAccess: true });
    expect(config.pluginAccess.scrobbler).toEqual({ users: ["u1", "u2"], libraries: [], writeAccess: false });
    expect(config.pluginAccess.other).toBeUndefined();
  });

  test.each([
    ['Users = "some"', 'PluginAccess.wiki.Users must be "all" or an array of user IDs'],
    ['Libraries = ["1"]', 'PluginAccess.wiki.Libraries must be "all" or an array of library IDs (integers)'],
    ["WriteAccess = 1", "PluginAccess.wiki.WriteAccess must be true or false"],
    ["Groups = []", "unknown key PluginAccess.wiki.Groups"],
  ])("refuses %s", (line, message) => {
    expect(() => parseConfig(`[PluginAccess.wiki]\n${line}\n`, FILE)).toThrow(message);
  });

  test("[Store] URL, else ND_STORE_URL; a URL that is not redis:// is refused without printing it", () => {
    expect(parseConfig(`[Store]\nURL = "redis://127.0.0.1:6379/2"\n`, FILE, { ND_STORE_URL: "redis://other" }).store).toEqual({ url: "redis://127.0.0.1:6379/2" });
    expect(parseConfig("", FILE, { ND_STORE_URL: "rediss://cache.example:6380" }).store).toEqual({ url: "rediss://cache.example:6380" });
    expect(parseConfig("", FILE, {}).store).toBeUndefined();
    let message = "";
    try {
      parseConfig(`[Store]\nURL = "http://user:s3cret@db.example"\n`, FILE);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`${FILE}: Store.URL (or ND_STORE_URL) must be a redis:// or rediss:// URL`);
  });

  test("[Store] TaskLeaseSeconds: whole seconds, only with a URL", () => {
    expect(parseConfig(`[Store]\nURL = "redis://127.0.0.1"\nTaskLeaseSeconds = 2\n`, FILE, {}).store).toEqual({ url: "redis://127.0.0.1", taskLeaseMs: 2000 });
    expect(() => parseConfig(`[Store]\nURL = "redis://127.0.0.1"\nTaskLeaseSeconds = 0.5\n`, FILE, {})).toThrow(
      `${FILE}: Store.TaskLeaseSeconds must be a whole number of seconds >= 1, got 0.5`,
    );
    expect(() => parseConfig(`[Store]\nTaskLeaseSeconds = 2\n`, FILE, {})).toThrow(`${FILE}: Store.TaskLeaseSeconds needs Store.URL`);
  });
});
