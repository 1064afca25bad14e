import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { readNdp } from "@nd/ndp";
import { expect, test } from "vitest";
import { ANSWER_MODULE, MANIFEST, MANIFEST_TEXT, scratch, tree } from "./fixtures.js";

const run = promisify(execFile);
const bin = join(__dirname, "..", "dist", "bin.js");

test("ndp pack writes <folder>/<folder>.ndp and ndp verify reads it back", async () => {
  const root = await scratch();
  const folder = join(root, "my-plugin");
  await mkdir(folder);
  await writeFile(join(folder, "manifest.json"), MANIFEST_TEXT);
  await writeFile(join(folder, "plugin.wasm"), ANSWER_MODULE);
  const packed = await run(process.execPath, [bin, "pack", folder]);
  expect(packed.stdout).toContain(`${MANIFEST.name} ${MANIFEST.version}, generation 1, wasm sha256 `);
  expect((await readNdp(join(folder, "my-plugin.ndp"))).manifest.name).toBe(MANIFEST.name);
  const verified = await run(process.execPath, [bin, "verify", join(folder, "my-plugin.ndp")]);
  expect(verified.stdout).toBe(packed.stdout);
});

test("ndp reports a bad package on stderr with exit code 1, and wrong usage with 2", async () => {
  const root = await scratch();
  await writeFile(join(root, "bad.ndp"), "not a zip");
  const bad = run(process.execPath, [bin, "verify", join(root, "bad.ndp")]);
  await expect(bad).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("is not a zip archive") });
  await expect(run(process.execPath, [bin, "unpack"])).rejects.toMatchObject({ code: 2 });
  expect(await tree(root)).toEqual(["bad.ndp"]);
});
