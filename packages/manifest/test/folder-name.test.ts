import { describe, expect, test } from "vitest";
import { pluginFolderName } from "../src/index.js";

describe("pluginFolderName", () => {
  test.each([
    ["my-plugin", "my-plugin"],
    ["0day.lyrics_v2-x", "0day.lyrics_v2-x"],
    ["My Plugin", "my-plugin"],
    ["Fake Album Agent", "fake-album-agent"],
    ["WikimediaAgent", "wikimediaagent"],
    ["Café Bot!", "cafe-bot"],
    ["../../etc/passwd", "etc-passwd"],
    ["..", "plugin-a3d4a70d"],
    [".hidden", "hidden"],
    ["acme/lyrics\\x", "acme-lyrics-x"],
    ["  spaced  out  ", "spaced-out"],
    ["日本語", "plugin-805f5ce7"],
    ["con", "plugin-con"],
    ["NUL.txt", "plugin-nul.txt"],
    ["x".repeat(100), "x".repeat(64)],
  ])("%j becomes %j", (name, folder) => {
    expect(pluginFolderName(name)).toBe(folder);
  });

  test("every answer is a safe single path segment", () => {
    const names = ["", " ", ".", "..", "a/b", "a\\b", "\u0000", "-x-", "_", "Ünïcödé", "%2e%2e", "a".repeat(500)];
    for (const name of names) {
      const folder = pluginFolderName(name);
      expect(folder).toMatch(/^[a-z0-9][a-z0-9._-]{0,63}$/);
      expect(folder).not.toMatch(/^\.\.?$/);
    }
  });

  test("the same name always gives the same folder", () => {
    expect(pluginFolderName("日本語")).toBe(pluginFolderName("日本語"));
    expect(pluginFolderName("日本語")).not.toBe(pluginFolderName("中文"));
  });
});
