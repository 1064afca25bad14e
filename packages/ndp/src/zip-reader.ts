import { crc32 } from "node:zlib";
import yauzl from "yauzl";
import { checkEntry, entryName } from "./entry-checks.js";
import { entryLabel, NdpError } from "./errors.js";
import { PACKAGE_FILES, REQUIRED_FILES, type PackageFileName } from "./layout.js";
import { fileSizeLimit, RATIO_GRACE_BYTES, type NdpLimits } from "./limits.js";

/** The inflated files of a package that passed every archive-level check. */
export type PackageContents = Map<PackageFileName, Uint8Array>;

/**
 * Opens a zip, checks every central directory record, then inflates the package files
 * while counting bytes, so declared sizes are never trusted.
 */
export async function readPackageContents(
  source: string | Uint8Array,
  limits: Required<NdpLimits>,
): Promise<PackageContents> {
  const zip = await openZip(source);
  try {
    const entries = await checkedEntries(zip, limits);
    const contents: PackageContents = new Map();
    const budget = { remaining: limits.maxTotalBytes };
    for (const name of PACKAGE_FILES) {
      const entry = entries.get(name);
      if (entry) contents.set(name, await inflate(zip, entry, name, limits, budget));
    }
    return contents;
  } finally {
    zip.close();
  }
}

async function openZip(source: string | Uint8Array): Promise<yauzl.ZipFile> {
  const options = { autoClose: false, decodeStrings: false, validateEntrySizes: false };
  try {
    return typeof source === "string"
      ? await yauzl.openPromise(source, options)
      : await yauzl.fromBufferPromise(
          Buffer.from(source.buffer, source.byteOffset, source.byteLength),
          options,
        );
  } catch (error) {
    if (isSystemError(error)) throw error;
    const subject = typeof source === "string" ? `${source} is` : "the bytes given are";
    throw new NdpError("not-a-zip", `${subject} not a zip archive: ${messageOf(error)}`, undefined, {
      cause: error,
    });
  }
}

async function checkedEntries(
  zip: yauzl.ZipFile,
  limits: Required<NdpLimits>,
): Promise<Map<PackageFileName, yauzl.Entry>> {
  if (zip.entryCount > limits.maxEntries) {
    throw new NdpError(
      "too-many-entries",
      `the archive lists ${zip.entryCount} entries; at most ${limits.maxEntries} are allowed`,
    );
  }
  const entries = new Map<PackageFileName, yauzl.Entry>();
  let declaredTotal = 0;
  for await (const entry of iterateEntries(zip)) {
    const name = checkEntry(entry, entryName(entry));
    if (entries.has(name)) {
      throw new NdpError("duplicate-entry", `${entryLabel(name)} appears more than once`, name);
    }
    declaredTotal += entry.uncompressedSize;
    checkDeclaredSize(entry, name, declaredTotal, limits);
    entries.set(name, entry);
  }
  for (const name of REQUIRED_FILES) {
    if (!entries.has(name)) {
      throw new NdpError("missing-file", `the package has no ${name} at its root`, name);
    }
  }
  return entries;
}

async function* iterateEntries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  const iterator = zip.eachEntry();
  for (;;) {
    let next: IteratorResult<yauzl.Entry>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw structuralError(error);
    }
    if (next.done) return;
    yield next.value;
  }
}

/** yauzl refuses a few things itself while reading records; give them our kinds. */
function structuralError(error: unknown): NdpError {
  const message = messageOf(error);
  const kind = /encrypt/i.test(message) ? "encrypted" : "corrupt";
  return new NdpError(kind, `the archive's central directory is unusable: ${message}`, undefined, {
    cause: error,
  });
}

/** A cheap early refusal; the real bounds are enforced while inflating. */
function checkDeclaredSize(
  entry: yauzl.Entry,
  name: PackageFileName,
  declaredTotal: number,
  limits: Required<NdpLimits>,
): void {
  const limit = fileSizeLimit(name, limits);
  if (entry.uncompressedSize > limit) {
    throw new NdpError(
      "too-large",
      `${entryLabel(name)} declares ${entry.uncompressedSize} bytes; at most ${limit} are allowed for this file`,
      name,
    );
  }
  if (declaredTotal > limits.maxTotalBytes) {
    throw new NdpError(
      "too-large",
      `the package declares more than ${limits.maxTotalBytes} bytes in total (at ${entryLabel(name)})`,
      name,
    );
  }
}

async function inflate(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  name: PackageFileName,
  limits: Required<NdpLimits>,
  budget: { remaining: number },
): Promise<Uint8Array> {
  const stream = await openEntryStream(zip, entry, name);
  const chunks: Buffer[] = [];
  let produced = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      produced += chunk.length;
      checkInflatedSoFar(entry, name, produced, limits, budget.remaining);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof NdpError) throw error;
    throw new NdpError("corrupt", `${entryLabel(name)} cannot be inflated: ${messageOf(error)}`, name, {
      cause: error,
    });
  }
  budget.remaining -= produced;
  const bytes = Buffer.concat(chunks, produced);
  checkIntegrity(entry, name, bytes);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function openEntryStream(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string) {
  try {
    return await zip.openReadStreamPromise(entry);
  } catch (error) {
    throw new NdpError("corrupt", `${entryLabel(name)} cannot be opened: ${messageOf(error)}`, name, {
      cause: error,
    });
  }
}

function checkInflatedSoFar(
  entry: yauzl.Entry,
  name: PackageFileName,
  produced: number,
  limits: Required<NdpLimits>,
  totalRemaining: number,
): void {
  if (produced > RATIO_GRACE_BYTES && produced > entry.compressedSize * limits.maxCompressionRatio) {
    throw new NdpError(
      "compression-ratio",
      `${entryLabel(name)} inflates more than ${limits.maxCompressionRatio} times its ${entry.compressedSize} compressed bytes (a zip bomb?)`,
      name,
    );
  }
  if (produced > fileSizeLimit(name, limits)) {
    throw new NdpError(
      "too-large",
      `${entryLabel(name)} inflates past ${fileSizeLimit(name, limits)} bytes, the limit for this file`,
      name,
    );
  }
  if (produced > totalRemaining) {
    throw new NdpError(
      "too-large",
      `the package inflates past ${limits.maxTotalBytes} bytes in total (at ${entryLabel(name)})`,
      name,
    );
  }
}

function checkIntegrity(entry: yauzl.Entry, name: PackageFileName, bytes: Buffer): void {
  if (bytes.length !== entry.uncompressedSize) {
    throw new NdpError(
      "corrupt",
      `${entryLabel(name)} inflates to ${bytes.length} bytes but declares ${entry.uncompressedSize}`,
      name,
    );
  }
  if (crc32(bytes) !== entry.crc32) {
    throw new NdpError("corrupt", `${entryLabel(name)} fails its CRC-32 check`, name);
  }
}

function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
