import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { biographyPlugin, nd, packageFile, workspace } from "./support/nd.js";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/** Runs the binary; `onOutput` sees what it printed so far on both streams after each chunk. */
function run(args: string[], onOutput?: (output: { stdout: string; stderr: string }, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? "", XDG_DATA_HOME: process.env.XDG_DATA_HOME ?? "" } });
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
