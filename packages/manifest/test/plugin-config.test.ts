import { describe, expect, test } from "vitest";
import { pluginConfigWarnings, validatePluginConfig, type PluginConfigForm } from "../src/index.js";

/** test-config's form, as in Navidrome's test plugins: a required key, arrays and objects. */
const form: PluginConfigForm = {
  schema: {
    type: "object",
    required: ["api_key"],
    properties: {
      api_key: { type: "string", minLength: 1 },
      max_retries: { type: "integer", minimum: 0, maximum: 10 },
      tags: { type: "array", items: { type: "string" } },
      endpoint: { type: "string", format: "uri" },
    },
    additionalProperties: false,
  },
};

describe("validatePluginConfig", () => {
  test("a configuration the schema accepts has no problem", () => {
    expect(validatePluginConfig(form, { api_key: "k", max_retries: 3, tags: ["a"] })).toEqual([]);
  });

  test("every problem, with a pointer into the configuration and a sentence to act on", () => {
    expect(validatePluginConfig(form, { max_retries: 11, tags: [1], colour: "blue" })).toEqual([
      { path: "/api_key", message: 'the configuration is missing the required field "api_key"' },
      { path: "/colour", message: 'the configuration has an unknown field "colour"; allowed fields are api_key, max_retries, tags, endpoint' },
      { path: "/max_retries", message: "max_retries must be at most 10; got 11" },
      { path: "/tags/0", message: "tags[0] must be a string; got 1" },
    ]);
  });

  test("formats are annotations, as in Navidrome", () => {
    expect(validatePluginConfig(form, { api_key: "k", endpoint: "not a url" })).toEqual([]);
  });

  test("a schema naming draft-07 is read as draft-07", () => {
    const draft7 = { schema: { $schema: "http://json-schema.org/draft-07/schema#", type: "object", required: ["a"] } };
    expect(validatePluginConfig(draft7, {})).toEqual([{ path: "/a", message: 'the configuration is missing the required field "a"' }]);
  });

  test("a schema nd cannot use is one problem at the root", () => {
    const draft4 = { schema: { $schema: "http://json-schema.org/draft-04/schema#", type: "object" } };
    expect(validatePluginConfig(draft4, {})).toEqual([
      {
        path: "",
        message: expect.stringMatching(/^the plugin's config schema cannot be used: its \$schema "http:\/\/json-schema.org\/draft-04\/schema" is not one nd checks/),
      },
    ]);
  });

  test("without a form any configuration passes, and values are a warning", () => {
    expect(validatePluginConfig(undefined, { anything: 1 })).toEqual([]);
    expect(pluginConfigWarnings(undefined, {})).toEqual([]);
    expect(pluginConfigWarnings(form, { api_key: "k" })).toEqual([]);
    expect(pluginConfigWarnings(undefined, { anything: 1 })).toEqual([
      {
        path: "",
        message:
          'the plugin has no configurable options (its manifest has no config.schema), yet the configuration sets "anything"; they are passed on unchecked',
      },
    ]);
  });
});

test("a schema with a reference that leads nowhere cannot be used", () => {
  const broken = { schema: { type: "object", properties: { a: { $ref: "#/$defs/missing" } } } };
  expect(validatePluginConfig(broken, {})).toEqual([
    { path: "", message: expect.stringMatching(/^the plugin's config schema cannot be used: can't resolve reference #\/\$defs\/missing/) },
  ]);
});
