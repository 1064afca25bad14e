import { expect, test } from "vitest";
import { MAX_PLUGIN_ID_LENGTH, pluginIdProblem } from "../src/index.js";

test.each(["test-metadata-agent", "My Plugin", "discord-rich-presence.v2", "日本語", "a".repeat(MAX_PLUGIN_ID_LENGTH)])(
  "%j is a usable plugin ID",
  (id) => {
    expect(pluginIdProblem(id)).toBeUndefined();
  },
);

test.each<[string, string]>([
  ["", "the plugin ID is empty"],
  [".", 'the plugin ID must not be "."'],
  ["..", 'the plugin ID must not be ".."'],
  ["a/b", 'the plugin ID "a/b" must not contain "/" or "\\"'],
  ["a\\b", 'the plugin ID "a\\\\b" must not contain "/" or "\\"'],
  ["a\nb", 'the plugin ID "a\\nb" must not contain control characters'],
  ["a".repeat(MAX_PLUGIN_ID_LENGTH + 1), `the plugin ID is ${MAX_PLUGIN_ID_LENGTH + 1} characters long; the limit is 128`],
])("%j is refused", (id, problem) => {
  expect(pluginIdProblem(id)).toBe(problem);
});
