import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import yauzl from "yauzl";
import { afterEach, describe, expect, test } from "vitest";
import { readNdp, writeNdp, type NdpErrorKind } from "../src/index.js";
import { ANSWER_MODULE, MANIFEST, MANIFEST_TEXT, refusal, scratch, tree } from "./fixtures.js";

/** Node provides WebAssembly as a global; the ES2022 lib and @types/node do not declare it. */
declare const WebAssembly: {
  instantiate(bytes: Uint8Array): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

interface FolderCase {
  title: string;
  files: Record<string, string | Uint8Array>;
  kind: NdpErrorKind;
  entry: string;
}

async function pluginFolder(files: Record<string, string | Uint8Array>): Promise<string> {
  const folder = join(await scratch(), "my-plugin");
  await mkdir(folder);
  for (const [name, content] of Object.entries(files)) await writeFile(join(folder, name), content);
  return folder;
}

const FULL_FOLDER = {
  "manifest.json": MANIFEST_TEXT,
  "plugin.wasm": ANSWER_MODULE,
  "README.md": "# Test plugin\n",
  LICENSE: "MIT\n",
};


describe("writeNdp", () => {
  const originalTimeZone = process.env.TZ;
  afterEach(() => {
    if (originalTimeZone === undefined) delete process.env.TZ;
    else process.env.TZ = originalTimeZone;
  });

  test("round-trips a plugin folder through readNdp", async () => {
    const folder = await pluginFolder(FULL_FOLDER);

    const ndp = await readNdp(await writeNdp(folder));

    expect(ndp.manifest).toEqual(MANIFEST);
    expect(ndp.wasm).toEqual(ANSWER_MODULE);
    expect(ndp.wasmSha256).toBe(createHash("sha256").update(ANSWER_MODULE).digest("hex"));
    expect(ndp.readme).toBe("# Test plugin\n");
    expect(ndp.license).toBe("MIT\n");
    expect(ndp.files).toEqual([
      { name: "manifest.json", size: MANIFEST_TEXT.length },
      { name: "plugin.wasm", size: ANSWER_MODULE.length },
      { name: "README.md", size: 14 },
      { name: "LICENSE", size: 4 },
    ]);
    const { instance } = await WebAssembly.instantiate(ndp.wasm);
    expect((instance.exports.answer as () => number)()).toBe(42);
  });

  test("leaves out the optional files a folder does not have, and ignores other files", async () => {
    const folder = await pluginFolder({ "manifest.json": MANIFEST_TEXT, "plugin.wasm": ANSWER_MODULE, "main.go": "package main" });

    const ndp = await readNdp(await writeNdp(folder));

    expect(ndp.files.map((file) => file.name)).toEqual(["manifest.json", "plugin.wasm"]);
    expect(ndp.readme).toBeUndefined();
    expect(ndp.license).toBeUndefined();
  });

  test("gives the same bytes for the same inputs, whatever the time, file dates or time zone", async () => {
    const folder = await pluginFolder(FULL_FOLDER);
    const copy = await pluginFolder(FULL_FOLDER);

    process.env.TZ = "UTC";
    const first = await writeNdp(folder);
    process.env.TZ = "Pacific/Kiritimati";
    const fromCopy = await writeNdp(copy);
    process.env.TZ = "America/Los_Angeles";
    const again = await writeNdp(folder);
    const fromFiles = await writeNdp({ manifest: MANIFEST_TEXT, wasm: ANSWER_MODULE, readme: "# Test plugin\n", license: "MIT\n" });

    expect(fromCopy).toEqual(first);
    expect(again).toEqual(first);
    expect(fromFiles).toEqual(first);
  });

  test("writes entries in a fixed order with fixed dates and attributes", async () => {
    const bytes = await writeNdp(await pluginFolder(FULL_FOLDER));
    const zip = await yauzl.fromBufferPromise(Buffer.from(bytes));
    const entries = [];
    for await (const entry of zip.eachEntry()) {
      entries.push({
        name: entry.fileName,
        date: entry.lastModFileDate,
        time: entry.lastModFileTime,
        mode: entry.externalFileAttributes >>> 16,
      });
    }
    const dosEpoch = { date: (1 << 5) | 1, time: 0 };
    expect(entries).toEqual(
      ["manifest.json", "plugin.wasm", "README.md", "LICENSE"].map((name) => ({ name, ...dosEpoch, mode: 0o100644 })),
    );
  });

  test("writes a manifest object as two-space JSON and a manifest string as given", async () => {
    const fromObject = await readNdp(await writeNdp({ manifest: MANIFEST, wasm: ANSWER_MODULE }));
    const compact = JSON.stringify(MANIFEST);
    const fromString = await writeNdp({ manifest: compact, wasm: ANSWER_MODULE });

    expect(fromObject.files[0]).toEqual({ name: "manifest.json", size: MANIFEST_TEXT.length });
    expect((await readNdp(fromString)).files[0]).toEqual({ name: "manifest.json", size: compact.length });
  });

  test("writes the file atomically and leaves no temporary file", async () => {
    const folder = await pluginFolder(FULL_FOLDER);
    const out = join(await scratch(), "dist");
    await mkdir(out);
    const outFile = join(out, "my-plugin.ndp");
    await writeFile(outFile, "previous build");

    const bytes = await writeNdp(folder, outFile);

    expect(new Uint8Array(await readFile(outFile))).toEqual(bytes);
    expect(await tree(out)).toEqual(["my-plugin.ndp"]);
  });

  test.each<FolderCase>([
    { title: "no manifest.json", files: { "plugin.wasm": ANSWER_MODULE }, kind: "missing-file", entry: "manifest.json" },
    { title: "no plugin.wasm", files: { "manifest.json": MANIFEST_TEXT }, kind: "missing-file", entry: "plugin.wasm" },
    { title: "a plugin.wasm that is not wasm", files: { "manifest.json": MANIFEST_TEXT, "plugin.wasm": "not wasm" }, kind: "not-wasm", entry: "plugin.wasm" },
    { title: "an invalid manifest", files: { "manifest.json": '{"name": "Bad Name"}', "plugin.wasm": ANSWER_MODULE }, kind: "invalid-manifest", entry: "manifest.json" },
  ])("refuses a folder with $title and writes nothing", async ({ files, kind, entry }) => {
    const folder = await pluginFolder(files);
    const out = await scratch();

    const error = await refusal(writeNdp(folder, join(out, "bad.ndp")));

    expect(error.kind).toBe(kind);
    expect(error.entry).toBe(entry);
    expect(await tree(out)).toEqual([]);
  });

  test("refuses a folder file beyond the limits before reading it", async () => {
    const folder = await pluginFolder({ ...FULL_FOLDER, "README.md": "x".repeat(1024 * 1024 + 1) });

    const error = await refusal(writeNdp(folder));

    expect(error.kind).toBe("too-large");
    expect(error.entry).toBe("README.md");
    expect(error.message).toContain(join(folder, "README.md"));
  });

  test("names the missing file with its path", async () => {
    const folder = await pluginFolder({ "manifest.json": MANIFEST_TEXT });
    await rm(join(folder, "plugin.wasm"), { force: true });

    const error = await refusal(writeNdp(folder));

    expect(error.message).toContain(join(folder, "plugin.wasm"));
  });
});
