import yauzl from "yauzl";
import { entryLabel, NdpError } from "./errors.js";
import { isPackageFileName, type PackageFileName } from "./layout.js";

const UNIX_FILE_TYPE_MASK = 0o170000;
const UNIX_REGULAR_FILE = 0o100000;
const UNIX_SYMLINK = 0o120000;
const DOS_DIRECTORY_ATTRIBUTE = 0x10;
const STORED = 0;
const DEFLATED = 8;

/** The entry's name as the archive spells it (UTF-8 or CP437), backslashes kept. */
export function entryName(entry: yauzl.Entry): string {
  return yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileNameRaw,
    entry.extraFields,
    true,
  );
}

/**
 * Checks what the central directory says about an entry, before any of its bytes are read,
 * and returns the package file it is.
 */
export function checkEntry(entry: yauzl.Entry, name: string): PackageFileName {
  checkPathIsSafe(name);
  checkIsRegularFile(entry, name);
  if (!isPackageFileName(name)) {
    throw new NdpError(
      "unexpected-entry",
      `${entryLabel(name)} is not part of the package format (allowed: plugin.wasm, manifest.json, README.md, LICENSE at the root)`,
      name,
    );
  }
  if (entry.isEncrypted()) {
    throw new NdpError("encrypted", `${entryLabel(name)} is encrypted; packages must not be`, name);
  }
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    throw new NdpError(
      "unsupported-compression",
      `${entryLabel(name)} uses compression method ${entry.compressionMethod}; only stored (0) and deflate (8) are read`,
      name,
    );
  }
  return name;
}

function checkPathIsSafe(name: string): void {
  const problem = unsafePathProblem(name);
  if (problem) throw new NdpError("unsafe-path", `${entryLabel(name)} has an unsafe path: ${problem}`, name);
}

function unsafePathProblem(name: string): string | undefined {
  if (name.length === 0) return "the name is empty";
  if ([...name].some(isControlCharacter)) return "it contains control characters";
  if (name.includes("\\")) return "it contains a backslash";
  if (name.startsWith("/")) return "it is absolute";
  if (/^[A-Za-z]:/.test(name)) return "it starts with a drive letter";
  const segments = name.replace(/\/$/, "").split("/");
  if (segments.includes("..")) return 'it contains a ".." segment';
  if (segments.some((segment) => segment === "." || segment === "")) return "it contains an empty or \".\" segment";
  return undefined;
}

function isControlCharacter(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}

function checkIsRegularFile(entry: yauzl.Entry, name: string): void {
  const unixType = (entry.externalFileAttributes >>> 16) & UNIX_FILE_TYPE_MASK;
  if (unixType === UNIX_SYMLINK) {
    throw new NdpError("symlink", `${entryLabel(name)} is a symbolic link; packages hold regular files only`, name);
  }
  const isDirectory =
    name.endsWith("/") || (entry.externalFileAttributes & DOS_DIRECTORY_ATTRIBUTE) !== 0;
  if (isDirectory || (unixType !== 0 && unixType !== UNIX_REGULAR_FILE)) {
    throw new NdpError(
      "unexpected-entry",
      `${entryLabel(name)} is ${isDirectory ? "a directory" : "a special file"}; packages hold regular files at the root only`,
      name,
    );
  }
}
