import { createHash } from "node:crypto";
import { parseManifest, parseManifestV2, type Manifest, type ManifestV2 } from "@nd/manifest";
import { NdpError } from "./errors.js";
import type { PackageFileName } from "./layout.js";
import { resolveLimits, type NdpLimits } from "./limits.js";
import { moduleGeneration } from "./module-generation.js";
import { checkWebAssembly } from "./wasm.js";
import { readPackageContents, type PackageContents } from "./zip-reader.js";

/** What every verified package holds, whatever its generation. */
interface VerifiedPackage {
  /** Hex SHA-256 of plugin.wasm. */
  wasmSha256: string;
  /** The files in the package, in the fixed order manifest.json, plugin.wasm, README.md, LICENSE. */
  files: NdpFile[];
  wasm: Uint8Array;
  readme?: string;
  license?: string;
}

/** A verified generation-1 package (protobuf ABI, Navidrome v0.57). */
export interface NdpPackage extends VerifiedPackage {
  generation: 1;
  manifest: Manifest;
}

/** A verified generation-2 package (Extism ABI and JSON, Navidrome v0.60+). */
export interface NdpPackageV2 extends VerifiedPackage {
  generation: 2;
  manifest: ManifestV2;
}

/** A verified package of either generation; `generation` says which, read from plugin.wasm. */
export type AnyNdpPackage = NdpPackage | NdpPackageV2;

export interface NdpFile {
  name: PackageFileName;
  size: number;
}

/**
 * Reads and verifies a generation-1 package from a path or from its bytes. Throws NdpError
 * naming the rule broken and the entry (kind "wrong-generation" for a generation-2
 * package: use readAnyNdp), and never writes anything.
 */
export async function readNdp(file: string | Uint8Array, options?: NdpLimits): Promise<NdpPackage> {
  const { ndp } = await loadNdp(file, options);
  if (ndp.generation === 2) {
    const message = "plugin.wasm is a generation-2 (Extism) module; read the package with readAnyNdp";
    throw new NdpError("wrong-generation", message, "plugin.wasm");
  }
  return ndp;
}

/**
 * Reads and verifies a package of either generation. The generation is read from
 * plugin.wasm (imports of extism:host/*, nd_* exports), and the manifest is checked by
 * that generation's rules.
 */
export async function readAnyNdp(file: string | Uint8Array, options?: NdpLimits): Promise<AnyNdpPackage> {
  return (await loadNdp(file, options)).ndp;
}

/** readNdp, plus every file's bytes exactly as stored (for extraction). */
export async function loadNdp(
  file: string | Uint8Array,
  options?: NdpLimits,
): Promise<{ ndp: AnyNdpPackage; contents: PackageContents }> {
  const contents = await readPackageContents(file, resolveLimits(options));
  return { ndp: describe(contents), contents };
}

function describe(contents: PackageContents): AnyNdpPackage {
  const manifestBytes = required(contents, "manifest.json");
  const wasm = required(contents, "plugin.wasm");
  checkWebAssembly(wasm);
  const readme = contents.get("README.md");
  const license = contents.get("LICENSE");
  const verified: VerifiedPackage = {
    wasmSha256: createHash("sha256").update(wasm).digest("hex"),
    files: [...contents].map(([name, bytes]) => ({ name, size: bytes.byteLength })),
    wasm,
    ...(readme && { readme: new TextDecoder().decode(readme) }),
    ...(license && { license: new TextDecoder().decode(license) }),
  };
  const text = manifestText(manifestBytes);
  return moduleGeneration(wasm) === 2
    ? { generation: 2, manifest: manifestOf(text, parseManifestV2), ...verified }
    : { generation: 1, manifest: manifestOf(text, parseManifest), ...verified };
}

function required(contents: PackageContents, name: PackageFileName): Uint8Array {
  const bytes = contents.get(name);
  if (!bytes) throw new NdpError("missing-file", `the package has no ${name} at its root`, name);
  return bytes;
}

function manifestText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new NdpError("invalid-manifest", "manifest.json is not valid UTF-8", "manifest.json", { cause: error });
  }
}

function manifestOf<T>(text: string, parse: (text: string, source: string) => T): T {
  try {
    return parse(text, "manifest.json");
  } catch (error) {
    // The ManifestError already names manifest.json and lists every problem; it stays the cause.
    const message = error instanceof Error ? error.message : String(error);
    throw new NdpError("invalid-manifest", message, "manifest.json", { cause: error });
  }
}
