import { describe, expect, test } from "vitest";
import { MAX_MANIFEST_LENGTH, ManifestError, parseManifest, parseManifestWithWarnings } from "../src/index.js";

const seedText = `{
  "name": "my-plugin",
  "author": "Plugin Developer",
  "version": "1.0.0",
  "description": "Fetches artist biographies",
  "capabilities": ["MetadataAgent"],
  "permissions": { "http": {} }
}
`;

function thrownBy(text: string, source?: string): ManifestError {
  try {
    parseManifest(text, source);
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error("parseManifest accepted the text");
}

describe("parseManifest", () => {
  test("returns the manifest of valid text", () => {
    const manifest = parseManifest(seedText);
    expect(manifest.name).toBe("my-plugin");
    expect(manifest.permissions).toEqual({ http: {} });
  });

  test("accepts a leading byte order mark, as some editors write one", () => {
    expect(parseManifest(`\uFEFF${seedText}`).name).toBe("my-plugin");
  });

  test("throws a ManifestError listing every schema problem", () => {
    const text = seedText.replace('"MetadataAgent"', '"metadataAgent", "Scrobbler", "Lyrics"');
    const error = thrownBy(text, "plugins/bio/manifest.json");
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe("ManifestError");
    expect(error.name).toBe("ManifestError");
    expect(error.problems.map((problem) => problem.path)).toEqual(["/capabilities/0", "/capabilities/2"]);
    expect(error.message).toBe(
      "plugins/bio/manifest.json is not a valid plugin manifest:\n" +
        "  - capabilities[0] must be one of MetadataAgent, Scrobbler, SchedulerCallback, WebSocketCallback, LifecycleManagement; " +
        'got "metadataAgent" (names are case-sensitive: write "MetadataAgent")\n' +
        "  - capabilities[2] must be one of MetadataAgent, Scrobbler, SchedulerCallback, WebSocketCallback, LifecycleManagement; " +
        'got "Lyrics"',
    );
  });
});

describe("parseManifest on text that is not JSON", () => {
  const cases: [string, string, string][] = [
    ["a missing value", '{\n  "name": "x",\n  "author": }', 'line 3, column 13: expected a value, found "}"'],
    ["a trailing comma", '{\n  "name": "x",\n}', 'line 3, column 1: expected a property name in double quotes, found "}" (trailing commas are not allowed)'],
    ["a missing comma", '{\n  "name": "x"\n  "author": "y"\n}', `line 3, column 3: expected ',' or the end of the object or array, found "\\"author\\""`],
    ["single quotes", "{'name': 'x'}", "line 1, column 2: unexpected text (strings need double quotes; the only literals are true, false and null), found \"'name'\""],
    ["a comment", '{\n  // my plugin\n  "name": "x"\n}', 'line 2, column 3: comments are not allowed in JSON, found "// my plugin"'],
    ["a line break inside a string", '{\n  "description": "two\nlines"\n}', "line 2, column 22: the string is not closed (write \\n for a line break inside a string)"],
    ["text cut short", '{\n  "name": "x",\n  "capabilities": [', "line 3, column 20: expected ']' to close the array, found the end of the text"],
    ["empty text", "", "line 1, column 1: expected a value, found the end of the text"],
    ["text after the object", '{"name": "x"} {}', "line 1, column 15: unexpected text after the end of the JSON value, found \"{\""],
    ["Windows line endings", '{\r\n  "name": "x",\r\n  "author": }', 'line 3, column 13: expected a value, found "}"'],
  ];

  test.each(cases)("%s: the message names the line and column", (_name, text, where) => {
    const error = thrownBy(text);
    expect(error.message).toBe(`manifest.json: invalid JSON at ${where}`);
    expect(error.problems).toEqual([{ path: "", message: `invalid JSON at ${where}` }]);
  });

  test("the message names the source it was given", () => {
    expect(thrownBy("{", "my-plugin.ndp!manifest.json").message).toMatch(/^my-plugin\.ndp!manifest\.json: invalid JSON at line 1, column 2: /);
  });
});

describe("a key written twice: the last one is used, as JSON.parse and Navidrome's Go loader do, with a warning", () => {
  test("at the top level", () => {
    const text = seedText.replace('"name": "my-plugin",', '"name": "my-plugin",\n  "name": "other-plugin",');
    const { manifest, warnings } = parseManifestWithWarnings(text);
    expect(manifest.name).toBe("other-plugin");
    expect(warnings).toEqual([
      { path: "/name", message: 'the manifest has the key "name" more than once (again at line 3, column 3); the last one is used' },
    ]);
  });

  test("inside a permission", () => {
    const text = seedText.replace('"http": {}', '"http": { "allowLocalNetwork": false, "allowLocalNetwork": true }');
    const { manifest, warnings } = parseManifestWithWarnings(text);
    expect(manifest.permissions.http).toEqual({ allowLocalNetwork: true });
    expect(warnings).toEqual([
      {
        path: "/permissions/http/allowLocalNetwork",
        message: 'permissions.http has the key "allowLocalNetwork" more than once (again at line 7, column 58); the last one is used',
      },
    ]);
  });
});

describe("parseManifest refuses what JSON.parse would let through", () => {
  test("text longer than MAX_MANIFEST_LENGTH", () => {
    const text = seedText.replace('"Fetches', `"${"x".repeat(MAX_MANIFEST_LENGTH)}`);
    const message = `the manifest is ${text.length} characters long; the limit is ${MAX_MANIFEST_LENGTH}`;
    expect(thrownBy(text).problems).toEqual([{ path: "", message }]);
  });

  test("nesting deeper than any manifest needs, even where unknown permissions are ignored", () => {
    const deep = `${"[".repeat(40)}${"]".repeat(40)}`;
    const text = seedText.replace('"http": {}', `"http": {}, "future": ${deep}`);
    expect(thrownBy(text).problems).toEqual([{ path: "", message: "the manifest is nested more than 32 levels deep" }]);
  });

  test("nesting deep enough to exhaust a recursive scanner", () => {
    const half = (MAX_MANIFEST_LENGTH - seedText.length) / 2 - 20;
    const deep = `${"[".repeat(half)}${"]".repeat(half)}`;
    const text = seedText.replace('"http": {}', `"http": {}, "future": ${deep}`);
    expect(thrownBy(text).problems).toEqual([{ path: "", message: "the manifest is nested more than 32 levels deep" }]);
  });
});

test("parseManifest refuses a non-string argument with a TypeError", () => {
  const bytes = new TextEncoder().encode("{}") as unknown as string;
  expect(() => parseManifest(bytes)).toThrow(new TypeError("parseManifest expects the manifest's text as a string; got object"));
});
