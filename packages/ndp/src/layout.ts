/** The files a package may hold, in the order they are written and listed. */
export const PACKAGE_FILES = ["manifest.json", "plugin.wasm", "README.md", "LICENSE"] as const;

export type PackageFileName = (typeof PACKAGE_FILES)[number];

export const REQUIRED_FILES: readonly PackageFileName[] = ["manifest.json", "plugin.wasm"];

export function isPackageFileName(name: string): name is PackageFileName {
  return (PACKAGE_FILES as readonly string[]).includes(name);
}

/** Files other than plugin.wasm are text and get the smaller per-file limit. */
export function isTextFile(name: PackageFileName): boolean {
  return name !== "plugin.wasm";
}
