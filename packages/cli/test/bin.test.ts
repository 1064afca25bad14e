import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { biographyPlugin, nd, packageFile, pluginFolder, workspace } from "./support/nd.js";
import { watBytes } from "./support/wat.js";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/** Runs the binary; `onOutput` sees what it printed so far on both streams after each chunk. */
function run(
  args: string[],
  onOutput?: (output: { stdout: string; stderr: string }, child: ReturnType<typeof spawn>) => void,
  // No compile cache unless a test asks for one in its own folder: a test writes nothing outside its folders.
  env: Record<string, string> = { NODE_DISABLE_COMPILE_CACHE: "1" },
) {
  const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? "", XDG_DATA_HOME: process.env.XDG_DATA_HOME ?? "", ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
    onOutput?.({ stdout, stderr }, child);
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    onOutput?.({ stdout, stderr }, child);
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
}

describe("the nd binary", () => {
  test("keeps Node's compile cache where NODE_COMPILE_CACHE says, so later starts parse nothing again", async () => {
    const cache = join(workspace(), "compile-cache");
    expect(await run(["--version"], undefined, { NODE_COMPILE_CACHE: cache })).toMatchObject({ code: 0 });
    expect(readdirSync(cache, { recursive: true }).length).toBeGreaterThan(0);
  });

  test("exit codes: 0 on success, 1 with one line on failure, 2 on wrong usage", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    await nd(["plugin", "install", await packageFile(dir, biographyPlugin("hello", "from the binary")), "--folder", folder]);
    const call = await run(["plugin", "call", "hello", "MetadataAgent.GetArtistBiography", "--folder", folder]);
    expect(call).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(call.stdout)).toEqual({ biography: "from the binary" });
    const missing = await run(["plugin", "remove", "nobody", "--folder", folder]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^nd: no plugin named "nobody" in .*\n$/);
    expect((await run(["plugin", "list", "--bogus"])).code).toBe(2);
  });

  test("nd serve stops cleanly on SIGTERM", async () => {
    const dir = workspace();
    let signalled = false;
    const result = await run(["serve", "--port", "0", "--folder", join(dir, "plugins")], ({ stderr }, child) => {
      if (!signalled && stderr.includes("listening on")) {
        signalled = true;
        child.kill("SIGTERM");
      }
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/"msg":"shutting down"}\n.*"msg":"stopped"}\n$/);
  });

  test("SIGTERM while a plugin's OnInit never returns stops nd serve within the close grace, not at the call's deadline", async () => {
    const dir = workspace();
    const folder = join(dir, "plugins");
    const began = new TextEncoder().encode("OnInit began\n");
    pluginFolder(folder, {
      name: "hangs",
      prefixes: ["lifecycle_management_"],
      capabilities: ["LifecycleManagement"],
      imports: `(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))`,
      body: `(data (i32.const 1024) "${watBytes(began)}")
        (func (export "lifecycle_management_on_init") (param i32 i32) (result i64)
          (i32.store (i32.const 3072) (i32.const 1024))
          (i32.store (i32.const 3076) (i32.const ${began.length}))
          (drop (call $fd_write (i32.const 1) (i32.const 3072) (i32.const 1) (i32.const 3080)))
          (loop $forever (br $forever))
          (i64.const 0))`,
    });
    let signalled = false;
    const result = await run(["serve", "--port", "0", "--folder", folder], ({ stderr }, child) => {
      if (!signalled && stderr.includes("OnInit began")) {
        signalled = true;
        child.kill("SIGTERM");
      }
    });
    expect(result.code).toBe(0);
    const messages = result.stderr.trim().split("\n").map((line) => (JSON.parse(line) as { msg: string }).msg);
    // OnInit is ended by the close (after its grace), not by the call's deadline, and nd never listens.
    expect(messages).toEqual([
      "[hangs] OnInit began",
      "plugin hangs 1.0.0 loaded",
      "plugin hangs: OnInit failed, the plugin stays loaded: LifecycleManagement.OnInit was ended: the plugin manager is closed",
      "stopped during start-up",
    ]);
  }, 25_000);

  test("a second stop signal during the shutdown changes nothing: nd serve still stops cleanly", async () => {
    // What pnpm does on Ctrl-C: the process group gets SIGINT, and pnpm passes one on too.
    const dir = workspace();
    let signalled = false;
    const result = await run(["serve", "--port", "0", "--folder", join(dir, "plugins")], ({ stderr }, child) => {
      if (!signalled && stderr.includes("listening on")) {
        signalled = true;
        child.kill("SIGINT");
        child.kill("SIGINT");
      }
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/"msg":"shutting down"}\n.*"msg":"stopped"}\n$/);
  });

  test("nd serve -q prints its address on stdout, and no log line", async () => {
    const dir = workspace();
    let signalled = false;
    const result = await run(["serve", "-q", "--port", "0", "--folder", join(dir, "plugins")], ({ stdout }, child) => {
      if (!signalled && stdout.includes("Press Ctrl-C to stop.")) {
        signalled = true;
        child.kill("SIGTERM");
      }
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/^nd serve: http:\/\/127\.0\.0\.1:\d+\/ \(plugins from .*plugins\)\. Press Ctrl-C to stop\.\n$/);
  });

  test("nd --version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(await run(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });
});
