import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { extractNdp, readNdp, type NdpErrorKind, type NdpLimits } from "../src/index.js";
import { EMPTY_MODULE, MANIFEST, MANIFEST_TEXT, refusal, scratch, tree } from "./fixtures.js";
import { craftZip, type CraftedEntry } from "./zip-craft.js";

const manifestEntry: CraftedEntry = { name: "manifest.json", data: MANIFEST_TEXT };
const wasmEntry: CraftedEntry = { name: "plugin.wasm", data: EMPTY_MODULE };

/** A valid package plus the hostile entries. */
function packageWith(...entries: CraftedEntry[]): Uint8Array {
  return craftZip([manifestEntry, wasmEntry, ...entries]);
}

const SYMLINK_ATTRIBUTES = (0o120777 << 16) >>> 0;
const DIRECTORY_ATTRIBUTES = ((0o040755 << 16) | 0x10) >>> 0;
const TRADITIONAL_ENCRYPTION = 0x1;
const STRONG_ENCRYPTION = 0x41;
const zeros = (size: number) => new Uint8Array(size);

interface HostileCase {
  title: string;
  zip: () => Uint8Array;
  kind: NdpErrorKind;
  /** The entry the error must name. */
  entry?: string;
  limits?: NdpLimits;
}

const corpus: HostileCase[] = [
  { title: "random bytes", zip: () => new Uint8Array(randomBytes(512)), kind: "not-a-zip" },
  { title: "an empty file", zip: () => new Uint8Array(0), kind: "not-a-zip" },
  { title: "an absolute path", zip: () => packageWith({ name: "/etc/cron.d/evil", data: "x" }), kind: "unsafe-path", entry: "/etc/cron.d/evil" },
  { title: "a .. path", zip: () => packageWith({ name: "../evil", data: "x" }), kind: "unsafe-path", entry: "../evil" },
  { title: "a nested .. path", zip: () => packageWith({ name: "docs/../../evil", data: "x" }), kind: "unsafe-path", entry: "docs/../../evil" },
  { title: "a backslash path", zip: () => packageWith({ name: "..\\..\\evil", data: "x" }), kind: "unsafe-path", entry: "..\\..\\evil" },
  { title: "a backslash file name", zip: () => craftZip([manifestEntry, { name: "x\\plugin.wasm", data: EMPTY_MODULE }]), kind: "unsafe-path", entry: "x\\plugin.wasm" },
  { title: "a drive letter", zip: () => packageWith({ name: "C:/Windows/evil", data: "x" }), kind: "unsafe-path", entry: "C:/Windows/evil" },
  { title: "a drive-relative name", zip: () => packageWith({ name: "C:evil", data: "x" }), kind: "unsafe-path", entry: "C:evil" },
  { title: "a ./ segment", zip: () => craftZip([{ name: "./manifest.json", data: MANIFEST_TEXT }, wasmEntry]), kind: "unsafe-path", entry: "./manifest.json" },
  { title: "a control character", zip: () => packageWith({ name: "README.md\u0000.exe", data: "x" }), kind: "unsafe-path" },
  { title: "an empty name", zip: () => packageWith({ name: "", data: "x" }), kind: "unsafe-path", entry: "" },
  { title: "a symlink entry", zip: () => craftZip([manifestEntry, { name: "plugin.wasm", data: "/etc/passwd", externalAttributes: SYMLINK_ATTRIBUTES }]), kind: "symlink", entry: "plugin.wasm" },
  { title: "a directory entry", zip: () => packageWith({ name: "docs/", data: "", externalAttributes: DIRECTORY_ATTRIBUTES }), kind: "unexpected-entry", entry: "docs/" },
  { title: "a file in a subfolder", zip: () => packageWith({ name: "docs/README.md", data: "x" }), kind: "unexpected-entry", entry: "docs/README.md" },
  { title: "an extra file at the root", zip: () => packageWith({ name: "run.sh", data: "rm -rf ~" }), kind: "unexpected-entry", entry: "run.sh" },
  { title: "a duplicate name", zip: () => packageWith({ name: "plugin.wasm", data: EMPTY_MODULE }), kind: "duplicate-entry", entry: "plugin.wasm" },
  {
    title: "more entries than allowed",
    zip: () => craftZip(Array.from({ length: 1000 }, (_, index) => ({ name: `f${index}`, data: "" }))),
    kind: "too-many-entries",
  },
  { title: "an encrypted entry", zip: () => packageWith({ name: "README.md", data: "secret", flags: TRADITIONAL_ENCRYPTION }), kind: "encrypted", entry: "README.md" },
  { title: "a strongly encrypted entry", zip: () => packageWith({ name: "README.md", data: "secret", flags: STRONG_ENCRYPTION }), kind: "encrypted" },
  { title: "an unsupported compression method", zip: () => packageWith({ name: "LICENSE", data: "MIT", method: 12 }), kind: "unsupported-compression", entry: "LICENSE" },
  {
    title: "a zip bomb with honest sizes",
    zip: () => craftZip([manifestEntry, { name: "plugin.wasm", data: zeros(8 * 1024 * 1024) }]),
    kind: "compression-ratio",
    entry: "plugin.wasm",
  },
  {
    title: "a zip bomb that lies about its size",
    zip: () => craftZip([manifestEntry, { name: "plugin.wasm", data: zeros(8 * 1024 * 1024), declaredSize: 8 }]),
    kind: "compression-ratio",
    entry: "plugin.wasm",
  },
  {
    title: "a README declaring more than the text limit",
    zip: () => packageWith({ name: "README.md", data: randomBytes(1024 * 1024 + 1) }),
    kind: "too-large",
    entry: "README.md",
  },
  {
    title: "a README lying about its size past the text limit",
    zip: () => packageWith({ name: "README.md", data: randomBytes(2 * 1024 * 1024), declaredSize: 10, method: 8 }),
    kind: "too-large",
    entry: "README.md",
  },
  {
    title: "a stored entry lying about its size past the total limit",
    zip: () => craftZip([manifestEntry, { name: "plugin.wasm", data: randomBytes(200_000), method: 0, declaredSize: 8 }]),
    kind: "too-large",
    entry: "plugin.wasm",
    limits: { maxTotalBytes: 100_000 },
  },
  {
    title: "files declaring together more than the total limit",
    zip: () => craftZip([manifestEntry, { name: "plugin.wasm", data: randomBytes(30_000) }, { name: "README.md", data: randomBytes(30_000) }]),
    kind: "too-large",
    entry: "README.md",
    limits: { maxTotalBytes: 50_000 },
  },
  {
    title: "files inflating together past the total limit while declaring less",
    zip: () =>
      craftZip([
        manifestEntry,
        { name: "plugin.wasm", data: randomBytes(30_000) },
        { name: "README.md", data: randomBytes(30_000), declaredSize: 10 },
      ]),
    kind: "too-large",
    entry: "README.md",
    limits: { maxTotalBytes: 50_000 },
  },
  { title: "a wrong CRC", zip: () => packageWith({ name: "LICENSE", data: "MIT", crc: 1234 }), kind: "corrupt", entry: "LICENSE" },
  { title: "a size larger than the data", zip: () => packageWith({ name: "LICENSE", data: "MIT", declaredSize: 300 }), kind: "corrupt", entry: "LICENSE" },
  { title: "data that is not deflate", zip: () => withDeflateGarbage(), kind: "corrupt", entry: "LICENSE" },
  { title: "no plugin.wasm", zip: () => craftZip([manifestEntry]), kind: "missing-file", entry: "plugin.wasm" },
  { title: "no manifest.json", zip: () => craftZip([wasmEntry]), kind: "missing-file", entry: "manifest.json" },
  { title: "a wasm without the magic", zip: () => craftZip([manifestEntry, { name: "plugin.wasm", data: "#!/bin/sh\necho hi\n" }]), kind: "not-wasm", entry: "plugin.wasm" },
  {
    title: "a wasm of another binary version",
    zip: () => craftZip([manifestEntry, { name: "plugin.wasm", data: new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]) }]),
    kind: "not-wasm",
    entry: "plugin.wasm",
  },
  {
    title: "a wasm with a valid header and a broken body",
    zip: () => craftZip([manifestEntry, { name: "plugin.wasm", data: new Uint8Array([...EMPTY_MODULE, 0x01, 0xff, 0xff]) }]),
    kind: "not-wasm",
    entry: "plugin.wasm",
  },
  { title: "a manifest that is not JSON", zip: () => craftZip([{ name: "manifest.json", data: "{ name: 'x' " }, wasmEntry]), kind: "invalid-manifest", entry: "manifest.json" },
  {
    title: "a manifest that breaks the schema",
    zip: () => craftZip([{ name: "manifest.json", data: JSON.stringify({ ...MANIFEST, capabilities: [] }) }, wasmEntry]),
    kind: "invalid-manifest",
    entry: "manifest.json",
  },
  {
    title: "a manifest that is not UTF-8",
    zip: () => craftZip([{ name: "manifest.json", data: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }, wasmEntry]),
    kind: "invalid-manifest",
    entry: "manifest.json",
  },
];

/** Replaces the stored LICENSE bytes so they are not a deflate stream, keeping sizes and CRC. */
function withDeflateGarbage(): Uint8Array {
  const license = Buffer.from("MIT");
  const zip = Buffer.from(packageWith({ name: "LICENSE", data: license, method: 8 }));
  const stored = deflateRawSync(license);
  const at = zip.indexOf(stored, zip.indexOf("LICENSE"));
  zip.fill(0xff, at, at + stored.length);
  return new Uint8Array(zip);
}

const built = new Map<HostileCase, Uint8Array>();

/** Each hostile archive is built once and shared by the three tests that use it. */
function bytesOf(hostile: HostileCase): Uint8Array {
  const bytes = built.get(hostile) ?? hostile.zip();
  built.set(hostile, bytes);
  return bytes;
}


describe("hostile packages", () => {
  test("the hand-made zips are readable when honest", async () => {
    const ndp = await readNdp(packageWith({ name: "LICENSE", data: "MIT" }));
    expect(ndp.manifest).toEqual(MANIFEST);
    expect(ndp.license).toBe("MIT");
  });

  test.each(corpus)("$title is refused as $kind", async (hostile) => {
    const { kind, entry, limits } = hostile;
    const error = await refusal(readNdp(bytesOf(hostile), limits));
    expect(error.kind).toBe(kind);
    if (entry !== undefined) {
      expect(error.entry).toBe(entry);
      expect(error.message).toContain(entry.includes("\\") ? JSON.stringify(entry) : entry);
    }
  });

  test.each(corpus)("$title writes nothing when extracted", async (hostile) => {
    const { kind, limits } = hostile;
    const base = await scratch();
    const plugins = join(base, "plugins");
    await mkdir(plugins);
    const file = join(base, "hostile.ndp");
    await writeFile(file, bytesOf(hostile));

    const error = await refusal(extractNdp(file, join(plugins, "test-plugin"), limits));

    expect(error.kind).toBe(kind);
    expect(await tree(base)).toEqual(["hostile.ndp", "plugins"]);
  });

  test.each(corpus)("$title leaves a plugin it should replace untouched", async (hostile) => {
    const { kind, limits } = hostile;
    const base = await scratch();
    const target = join(base, "test-plugin");
    await mkdir(target);
    await writeFile(join(target, "plugin.wasm"), "old version");

    const error = await refusal(extractNdp(bytesOf(hostile), target, { ...limits, replace: true }));

    expect(error.kind).toBe(kind);
    expect(await tree(base)).toEqual(["test-plugin", "test-plugin/plugin.wasm"]);
    expect(await readFile(join(target, "plugin.wasm"), "utf8")).toBe("old version");
  });
});
