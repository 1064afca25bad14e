// The Go build script on a machine without Go: with --if-available it says what it skipped
// and succeeds, so a workspace build goes on; without it, it fails with the reason.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { goModuleDir } from "./go-harness.js";

const script = join(goModuleDir, "build-plugin.mjs");

describe("build-plugin.mjs without a Go compiler on PATH", () => {
  let pluginDir: string;
  let emptyPath: string;

  beforeEach(() => {
    pluginDir = mkdtempSync(join(tmpdir(), "nd-go-plugin-"));
    emptyPath = mkdtempSync(join(tmpdir(), "nd-empty-path-"));
  });
  afterEach(() => {
    rmSync(pluginDir, { recursive: true, force: true });
    rmSync(emptyPath, { recursive: true, force: true });
  });

  function build(...args: string[]) {
    const env = { ...process.env, PATH: emptyPath, ND_GO_COMPILER: undefined };
    return spawnSync(process.execPath, [script, "--dir", pluginDir, ...args], { encoding: "utf8", env });
  }

  it("with --if-available prints one line naming the plugin and why, skips the follow-up command and exits 0", () => {
    const marker = join(pluginDir, "packed");
    const result = build("--if-available", "--", process.execPath, "-e", `require("fs").writeFileSync(${JSON.stringify(marker)}, "")`);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^build-plugin: skipped .*nd-go-plugin-\w+: neither tinygo nor go is on PATH/);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(pluginDir, "plugin.wasm"))).toBe(false);
  });

  it("without --if-available fails with the reason", () => {
    const result = build();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("build-plugin: neither tinygo nor go is on PATH");
  });
});
