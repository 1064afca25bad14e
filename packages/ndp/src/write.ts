import { randomBytes } from "node:crypto";
import { open, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Manifest, ManifestV2 } from "@nd/manifest";
import yazl from "yazl";
import { NdpError } from "./errors.js";
import { PACKAGE_FILES, REQUIRED_FILES, type PackageFileName } from "./layout.js";
import { DEFAULT_NDP_LIMITS, fileSizeLimit } from "./limits.js";
import { loadNdp } from "./read.js";

/** The files of a package to write, given directly instead of as a folder. */
export interface NdpSource {
  /** An object is written as 2-space JSON; a string is written as given. */
  manifest: Manifest | ManifestV2 | string;
  wasm: Uint8Array;
  readme?: string | Uint8Array;
  license?: string | Uint8Array;
}

const REGULAR_FILE_0644 = 0o100644;
const COMPRESSION_LEVEL = 9;

/**
 * Builds a package from a plugin folder (manifest.json and plugin.wasm required, README.md
 * and LICENSE taken when present) or from its files, of either generation. The result is
 * verified exactly as readAnyNdp would verify it, with the default limits, before anything is written. Same
 * inputs give the same bytes. With `outFile`, the file is replaced atomically.
 */
export async function writeNdp(source: string | NdpSource, outFile?: string): Promise<Uint8Array> {
  const files = typeof source === "string" ? await filesOfFolder(source) : filesOfSource(source);
  const bytes = await zipFiles(files);
  await loadNdp(bytes);
  if (outFile !== undefined) await writeFileAtomically(outFile, bytes);
  return bytes;
}

type PackageFiles = Map<PackageFileName, Uint8Array>;

async function filesOfFolder(folder: string): Promise<PackageFiles> {
  const files: PackageFiles = new Map();
  for (const name of PACKAGE_FILES) {
    const bytes = await readIfPresent(join(folder, name), fileSizeLimit(name, DEFAULT_NDP_LIMITS));
    if (bytes) files.set(name, bytes);
    else if (REQUIRED_FILES.includes(name)) {
      const message = `${join(folder, name)} does not exist; a plugin folder needs ${name}`;
      throw new NdpError("missing-file", message, name);
    }
  }
  return files;
}

/** Sizes are checked before reading, so a stray huge file is refused without loading it. */
async function readIfPresent(path: string, limit: number): Promise<Uint8Array | undefined> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  if (size > limit) {
    const message = `${path} is ${size} bytes; a package may hold at most ${limit} for this file`;
    throw new NdpError("too-large", message, basename(path));
  }
  return readFile(path);
}

function filesOfSource(source: NdpSource): PackageFiles {
  const manifest =
    typeof source.manifest === "string" ? source.manifest : `${JSON.stringify(source.manifest, null, 2)}\n`;
  const files: PackageFiles = new Map([
    ["manifest.json", utf8(manifest)],
    ["plugin.wasm", source.wasm],
  ]);
  if (source.readme !== undefined) files.set("README.md", utf8(source.readme));
  if (source.license !== undefined) files.set("LICENSE", utf8(source.license));
  return files;
}

function utf8(text: string | Uint8Array): Uint8Array {
  return typeof text === "string" ? new TextEncoder().encode(text) : text;
}

/**
 * 1980-01-01 00:00, the DOS epoch. yazl writes DOS dates from local time, so the date is
 * made in the time zone current at each write, giving the same bytes in every zone.
 */
function fixedModificationTime(): Date {
  return new Date(1980, 0, 1, 0, 0, 0);
}

function zipFiles(files: PackageFiles): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const name of PACKAGE_FILES) {
    const bytes = files.get(name);
    if (!bytes) continue;
    zip.addBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name, {
      mtime: fixedModificationTime(),
      forceDosTimestamp: true,
      mode: REGULAR_FILE_0644,
      compressionLevel: COMPRESSION_LEVEL,
    });
  }
  zip.end();
  return collect(zip.outputStream);
}

async function collect(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return new Uint8Array(Buffer.concat(chunks));
}

async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString("hex")}`);
  try {
    const handle = await open(temporary, "wx", 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
