import {
  ALWAYS_PROVIDED_IMPORTS,
  HOST_MODULE,
  PERMISSION_NAMES,
  PLUGIN_EXPORTS,
  findHostFunction,
  type PermissionName,
} from "@nd/protocol";
import type { Permissions } from "@nd/manifest";
import { PermissionError, PluginLoadError } from "./errors.js";

const WASI_MODULE = "wasi_snapshot_preview1";
const MISSING = "function not exported in module env";

/** The permissions of a manifest that name host services this host knows. */
export function grantedPermissions(permissions: Permissions): PermissionName[] {
  return PERMISSION_NAMES.filter((name) => permissions[name] !== undefined);
}

/**
 * Checks a module's imports against what its manifest grants and returns the `env`
 * functions to link. Only granted services exist for the plugin: importing any other
 * host function fails here, before any plugin code runs.
 */
export function linkEnvImports(plugin: string, module: WebAssembly.Module, permissions: Permissions): string[] {
  const granted = new Set(grantedPermissions(permissions));
  const envImports: string[] = [];
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    if (from === WASI_MODULE && kind === "function") continue;
    if (from !== HOST_MODULE || kind !== "function") {
      throw new PluginLoadError(plugin, `imports ${kind} ${from}.${name}, which the host does not provide`);
    }
    if (!(ALWAYS_PROVIDED_IMPORTS as readonly string[]).includes(name)) checkGranted(plugin, name, granted);
    envImports.push(name);
  }
  return envImports;
}

function checkGranted(plugin: string, importName: string, granted: Set<PermissionName>): void {
  const fn = findHostFunction(importName);
  if (!fn) {
    throw new PluginLoadError(plugin, `imports env.${importName}, which is not a host function (${MISSING})`);
  }
  if (!granted.has(fn.permission)) {
    throw new PermissionError(
      plugin,
      `imports env.${importName} of ${fn.service} without the "${fn.permission}" permission ` +
        `(${MISSING}); add "${fn.permission}": {} to "permissions" in manifest.json`,
    );
  }
}

/** Checks the exports every plugin needs: its memory and the allocator the host writes requests with. */
export function checkRequiredExports(plugin: string, module: WebAssembly.Module): Set<string> {
  const exports = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  const required = [
    [PLUGIN_EXPORTS.memory, "memory"],
    [PLUGIN_EXPORTS.malloc, "function"],
    [PLUGIN_EXPORTS.free, "function"],
  ] as const;
  for (const [name, kind] of required) {
    if (exports.get(name) !== kind) {
      throw new PluginLoadError(plugin, `does not export the ${kind} "${name}" that every plugin must export`);
    }
  }
  return new Set<string>(exports.keys());
}
