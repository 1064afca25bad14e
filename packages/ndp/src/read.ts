import { createHash } from "node:crypto";
import { parseManifest, type Manifest } from "@nd/manifest";
import { NdpError } from "./errors.js";
import type { PackageFileName } from "./layout.js";
import { resolveLimits, type NdpLimits } from "./limits.js";
import { checkWebAssembly } from "./wasm.js";
import { readPackageContents, type PackageContents } from "./zip-reader.js";

/** A package that passed every check. */
export interface NdpPackage {
  manifest: Manifest;
  /** Hex SHA-256 of plugin.wasm. */
  wasmSha256: string;
  /** The files in the package, in the fixed order manifest.json, plugin.wasm, README.md, LICENSE. */
  files: NdpFile[];
  wasm: Uint8Array;
  readme?: string;
  license?: string;
}

export interface NdpFile {
  name: PackageFileName;
  size: number;
}

/**
 * Reads and verifies a package from a path or from its bytes. Throws NdpError naming the
 * rule broken and the entry, and never writes anything.
 */
export async function readNdp(file: string | Uint8Array, options?: NdpLimits): Promise<NdpPackage> {
  return (await loadNdp(file, options)).ndp;
}

/** readNdp, plus every file's bytes exactly as stored (for extraction). */
export async function loadNdp(
  file: string | Uint8Array,
  options?: NdpLimits,
): Promise<{ ndp: NdpPackage; contents: PackageContents }> {
  const contents = await readPackageContents(file, resolveLimits(options));
  return { ndp: describe(contents), contents };
}

function describe(contents: PackageContents): NdpPackage {
  const manifest = manifestOf(required(contents, "manifest.json"));
  const wasm = required(contents, "plugin.wasm");
  checkWebAssembly(wasm);
  const readme = contents.get("README.md");
  const license = contents.get("LICENSE");
  return {
    manifest,
    wasmSha256: createHash("sha256").update(wasm).digest("hex"),
    files: [...contents].map(([name, bytes]) => ({ name, size: bytes.byteLength })),
    wasm,
    ...(readme && { readme: new TextDecoder().decode(readme) }),
    ...(license && { license: new TextDecoder().decode(license) }),
  };
}

function required(contents: PackageContents, name: PackageFileName): Uint8Array {
  const bytes = contents.get(name);
  if (!bytes) throw new NdpError("missing-file", `the package has no ${name} at its root`, name);
  return bytes;
}

function manifestOf(bytes: Uint8Array): Manifest {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new NdpError("invalid-manifest", "manifest.json is not valid UTF-8", "manifest.json", { cause: error });
  }
  try {
    return parseManifest(text, "manifest.json");
  } catch (error) {
    // The ManifestError already names manifest.json and lists every problem; it stays the cause.
    const message = error instanceof Error ? error.message : String(error);
    throw new NdpError("invalid-manifest", message, "manifest.json", { cause: error });
  }
}
