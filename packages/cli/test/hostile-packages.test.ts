import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { biographyPlugin, manifestOf, nd, packageFile, workspace } from "./support/nd.js";
import { watPlugin } from "./support/wat.js";
import { rawZip, type RawEntry } from "./support/zip.js";

const manifest = new TextEncoder().encode(JSON.stringify(manifestOf(biographyPlugin("victim", "x"))));
const wasm = watPlugin(biographyPlugin("victim", "x"));
const good: RawEntry[] = [
  { name: "manifest.json", data: manifest },
  { name: "plugin.wasm", data: wasm },
];

const corpus: Record<string, Uint8Array> = {
  "parent path": rawZip([...good, { name: "../escaped.txt", data: new Uint8Array([1]) }]),
  "absolute path": rawZip([...good, { name: "/tmp/absolute.txt", data: new Uint8Array([1]) }]),
  "drive letter": rawZip([...good, { name: "C:/windows.txt", data: new Uint8Array([1]) }]),
  backslash: rawZip([...good, { name: "..\\escaped.txt", data: new Uint8Array([1]) }]),
  "symlink entry": rawZip([...good, { name: "README.md", data: new TextEncoder().encode("/etc/passwd"), unixMode: 0o120777 }]),
  "duplicate name": rawZip([...good, { name: "plugin.wasm", data: wasm }]),
  "too many entries": rawZip([...good, ...Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: new Uint8Array([i]) }))]),
  "zip bomb": rawZip([good[0]!, { name: "plugin.wasm", data: new Uint8Array(80 * 1024 * 1024) }]),
  encrypted: rawZip([good[0]!, { name: "plugin.wasm", data: wasm, encrypted: true }]),
  "not WebAssembly": rawZip([good[0]!, { name: "plugin.wasm", data: new TextEncoder().encode("#!/bin/sh\necho hi\n") }]),
  "bad manifest JSON": rawZip([{ name: "manifest.json", data: new TextEncoder().encode("{ nope") }, good[1]!]),
  "missing plugin.wasm": rawZip([good[0]!]),
  "not a zip": new TextEncoder().encode("this is not a zip file at all"),
};

describe("hostile packages", () => {
  test.each(Object.keys(corpus))("%s: refused with one line, nothing written, no temp folders left", async (label) => {
    const dir = workspace();
    const folder = join(dir, "sandbox", "plugins");
    const existing = await packageFile(dir, biographyPlugin("existing", "still here"));
    await nd(["plugin", "install", existing, "--folder", folder]);
    const file = join(dir, "hostile.ndp");
    writeFileSync(file, corpus[label]!);
    const before = { dir: readdirSync(dir).sort(), sandbox: readdirSync(join(dir, "sandbox")).sort() };

    for (const command of ["install", "update"]) {
      const result = await nd(["plugin", command, file, "--folder", folder]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^nd: [^\n]+\n$/);
    }
    const info = await nd(["plugin", "info", file]);
    expect(info.code).toBe(1);

    expect(readdirSync(folder)).toEqual(["existing"]);
    expect(readdirSync(dir).sort()).toEqual(before.dir);
    expect(readdirSync(join(dir, "sandbox")).sort()).toEqual(before.sandbox);
    const call = await nd(["plugin", "call", "existing", "MetadataAgent.GetArtistBiography", "--folder", folder]);
    expect(JSON.parse(call.stdout)).toEqual({ biography: "still here" });
  });

  test("a manifest name that is a path installs inside the plugins folder, under a safe name", async () => {
    const dir = workspace();
    const folder = join(dir, "sandbox", "plugins");
    const file = join(dir, "path-name.ndp");
    const pathName = { ...manifestOf(biographyPlugin("x", "x")), name: "../../outside" };
    writeFileSync(file, rawZip([{ name: "manifest.json", data: new TextEncoder().encode(JSON.stringify(pathName)) }, good[1]!]));
    expect(await nd(["plugin", "install", file, "--folder", folder])).toMatchObject({ code: 0, stderr: "" });
    expect(readdirSync(folder)).toEqual(["outside"]);
    expect(readdirSync(join(dir, "sandbox"))).toEqual(["plugins"]);
    expect(readdirSync(dir).sort()).toEqual(["path-name.ndp", "sandbox"]);
  });
});
