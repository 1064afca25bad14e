/**
 * Why a package was refused. Every kind names one rule of the package format
 * (see the README's "Checks" table).
 */
export type NdpErrorKind =
  | "not-a-zip"
  | "corrupt"
  | "too-many-entries"
  | "unsafe-path"
  | "symlink"
  | "unexpected-entry"
  | "duplicate-entry"
  | "encrypted"
  | "unsupported-compression"
  | "too-large"
  | "compression-ratio"
  | "missing-file"
  | "not-wasm"
  | "invalid-manifest"
  | "wrong-generation"
  | "target-exists";

/** A package (or a folder to pack, or an extraction target) that cannot be used. */
export class NdpError extends Error {
  override readonly name = "NdpError";

  constructor(
    readonly kind: NdpErrorKind,
    message: string,
    /** The archive entry or file the problem is about, when there is one. */
    readonly entry?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How messages name an entry: quoted and escaped, so hostile names cannot garble a terminal. */
export function entryLabel(name: string): string {
  return `entry ${JSON.stringify(name)}`;
}
