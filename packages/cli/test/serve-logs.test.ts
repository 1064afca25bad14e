import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { rawRequest } from "./support/http.js";
import { biographyPlugin, nd, packageFile, printingPlugin, workspace } from "./support/nd.js";
import { serveCli } from "./support/serve-cli.js";

const json = { "content-type": "application/json" };

async function pluginsFolder(): Promise<string> {
  const dir = workspace();
  const folder = join(dir, "plugins");
  for (const spec of [biographyPlugin("b-bio", "from b"), printingPlugin("printer", "hello from the plugin")]) {
    expect((await nd(["plugin", "install", await packageFile(dir, spec), "--folder", folder])).code).toBe(0);
  }
  return folder;
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("nd serve logs", () => {
  test("piped: one JSON object per line with time, level, message and fields; plugin output tagged with the plugin", async () => {
    const run = await serveCli(["--folder", await pluginsFolder()]);
    await rawRequest(`${run.url}/api/plugins/printer/call/MetadataAgent.GetArtistBiography`, { method: "POST", headers: json, body: "{}" });
    expect(await run.stop()).toBe(0);
    const lines = jsonLines(run.stderr());
    for (const line of lines) expect(line).toMatchObject({ level: expect.any(Number), time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), msg: expect.any(String) });
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, plugin: "printer", stream: "stdout", msg: "[printer] hello from the plugin" }));
    // in the order they happened
    expect(lines.map((line) => line.msg)).toEqual([
      ...lines.slice(0, 2).map((line) => line.msg),
      expect.stringMatching(/^nd serve listening on /),
      "[printer] hello from the plugin",
      "shutting down",
      "stopped",
    ]);
  });

  test("on a terminal: readable lines with the time and the level", async () => {
    const run = await serveCli(["--folder", await pluginsFolder()], { tty: true });
    expect(await run.stop()).toBe(0);
    const plain = run.stderr().replace(/\x1b\[[0-9;]*m/g, "");
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: plugin b-bio 1\.0\.0 loaded$/m);
    expect(plain).not.toContain('{"level"');
  });

  test("on a terminal, what a plugin prints is escaped: its control characters never reach the terminal", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const hostile = printingPlugin("printer", "\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil");
    expect((await nd(["plugin", "install", await packageFile(dir, hostile), "--folder", folder])).code).toBe(0);
    const run = await serveCli(["--folder", folder], { tty: true });
    await rawRequest(`${run.url}/api/plugins/printer/call/MetadataAgent.GetArtistBiography`, { method: "POST", headers: json, body: "{}" });
    expect(await run.stop()).toBe(0);
    // Only nd's own colours are left once they are taken out.
    const plain = run.stderr().replace(/\x1b\[[0-9;]*m/g, "");
    expect(plain).toContain("[printer] \\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eevil");
    expect(plain).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  test("a config's ignored names are logged as warnings, in the log's own format", async () => {
    const folder = await pluginsFolder();
    const config = join(folder, "..", "nd.toml");
    writeFileSync(config, `[PluginConfig.__proto__]\nb-bio = "x"\n`);
    const run = await serveCli(["--folder", folder, "--config", config]);
    expect(await run.stop()).toBe(0);
    expect(jsonLines(run.stderr())).toContainEqual(
      expect.objectContaining({ level: 40, msg: `${config}: PluginConfig."__proto__" is ignored: "__proto__" cannot name a table or a key` }),
    );
  });

  test("--log-level, -q and -v choose what is logged; a wrong level is a usage error", async () => {
    const folder = await pluginsFolder();
    const levels = async (args: string[]) => {
      const run = await serveCli(["--folder", folder, ...args]);
      await rawRequest(`${run.url}/nowhere`);
      await run.stop();
      return [...new Set(jsonLines(run.stderr()).map((line) => line.level))].sort();
    };
    expect(await levels(["-v"])).toEqual([20, 30]);
    expect(await levels([])).toEqual([30]);
    expect(await levels(["-q"])).toEqual([]);
    expect(await levels(["--log-level", "debug"])).toEqual([20, 30]);
    expect(await nd(["serve", "--folder", folder, "--log-level", "loud"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--log-level must be one of debug, info, warn, error, silent") });
    expect(await nd(["serve", "--folder", folder, "-q", "-v"])).toMatchObject({ code: 2 });
  });
});
