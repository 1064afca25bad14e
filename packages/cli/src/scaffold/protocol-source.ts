import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative } from "node:path";

/** Where a new plugin takes @nd/protocol from, so it installs without any registry. */
export interface ProtocolSource {
  /** The `@nd/protocol` entry of the plugin's package.json. */
  readonly dependency: string;
  /** The Go SDK folder (`replace` target in go.mod): relative inside the checkout, absolute elsewhere. */
  readonly goSdkPath: string;
}

/** The @nd/protocol folder this nd runs with (in a checkout: packages/protocol). */
function protocolFolder(): string {
  return realpathSync(dirname(createRequire(import.meta.url).resolve("@nd/protocol/package.json")));
}

/** The nd checkout holding `protocol`, when nd runs from one. */
function checkoutOf(protocol: string): string | undefined {
  const root = dirname(dirname(protocol));
  return existsSync(join(root, "pnpm-workspace.yaml")) && existsSync(join(root, "examples")) ? root : undefined;
}

function isInside(path: string, folder: string): boolean {
  const fromFolder = relative(folder, path);
  return fromFolder !== "" && !fromFolder.startsWith("..") && !isAbsolute(fromFolder);
}

/**
 * Inside the examples/ folder of nd's own checkout the plugin is a workspace package
 * (`workspace:*`); anywhere else it depends on the @nd/protocol folder nd itself uses
 * (`file:`), which npm and pnpm install offline.
 */
export function protocolSourceFor(target: string): ProtocolSource {
  const protocol = protocolFolder();
  const checkout = checkoutOf(protocol);
  const inExamples = checkout !== undefined && isInside(target, join(checkout, "examples"));
  return {
    dependency: inExamples ? "workspace:*" : `file:${protocol}`,
    goSdkPath: inExamples ? relative(target, join(protocol, "go")) : join(protocol, "go"),
  };
}
