import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { biographyPlugin, nd, packageFile, workspace } from "./support/nd.js";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

function run(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? "", XDG_DATA_HOME: process.env.XDG_DATA_HOME ?? "" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    onStderr?.(stderr, child);
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
    const result = await run(["serve", "--port", "0", "--folder", join(dir, "plugins")], (stderr, child) => {
      if (!signalled && stderr.includes("listening on")) {
        signalled = true;
        child.kill("SIGTERM");
      }
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/"msg":"shutting down"}\n.*"msg":"stopped"}\n$/);
  });

  test("nd --version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(await run(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });
});
