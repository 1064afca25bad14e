import type { Manifest, Permissions } from "@nd/manifest";
import {
  ALWAYS_PROVIDED_IMPORTS,
  CAPABILITIES,
  HOST_MODULE,
  PERMISSION_NAMES,
  PLUGIN_EXPORTS,
  findHostFunction,
  type CapabilityName,
  type PermissionName,
} from "@nd/protocol";
import { PermissionError, PluginLoadError, type PluginError } from "../errors.js";

const WASI_MODULE = "wasi_snapshot_preview1";
const MISSING = "function not exported in module env";

/** The permissions of a manifest that name host services this host knows. */
export function grantedPermissions(permissions: Permissions): PermissionName[] {
  return PERMISSION_NAMES.filter((name) => permissions[name] !== undefined);
}

/**
 * Everything the host would refuse a module for when linking it, found without running
 * any plugin code: imports of host functions the manifest does not grant (only granted
 * services exist for a plugin), imports the host does not provide, and missing exports
 * (memory, allocator, `<prefix>api_version` of each declared capability).
 */
export function moduleProblems(module: WebAssembly.Module, manifest: Manifest): PluginError[] {
  return [...importProblems(module, manifest), ...exportProblems(module, manifest)];
}

/** The `env` functions a module imports: what its instances are linked with. */
export function envImportsOf(module: WebAssembly.Module): string[] {
  return WebAssembly.Module.imports(module)
    .filter((entry) => entry.module === HOST_MODULE)
    .map((entry) => entry.name);
}

function importProblems(module: WebAssembly.Module, manifest: Manifest): PluginError[] {
  const granted = new Set(grantedPermissions(manifest.permissions));
  const problems: PluginError[] = [];
  const ungranted = new UngrantedImports();
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    if (from === WASI_MODULE && kind === "function") continue;
    if (from !== HOST_MODULE || kind !== "function") {
      problems.push(new PluginLoadError(manifest.name, `imports ${kind} ${from}.${name}, which the host does not provide`));
    } else if (!(ALWAYS_PROVIDED_IMPORTS as readonly string[]).includes(name)) {
      const fn = findHostFunction(name);
      if (!fn) problems.push(new PluginLoadError(manifest.name, `imports env.${name}, which is not a host function (${MISSING})`));
      else if (!granted.has(fn.permission)) ungranted.add(fn.permission, fn.service, name);
    }
  }
  // Every missing permission in one error, so an author fixes the manifest once.
  return ungranted.isEmpty() ? problems : [ungranted.error(manifest.name), ...problems];
}

/** Host functions a module imports without their permission, grouped by permission. */
class UngrantedImports {
  private readonly byPermission = new Map<PermissionName, { service: string; imports: Set<string> }>();

  add(permission: PermissionName, service: string, importName: string): void {
    const group = this.byPermission.get(permission) ?? { service, imports: new Set<string>() };
    group.imports.add(`env.${importName}`);
    this.byPermission.set(permission, group);
  }

  isEmpty(): boolean {
    return this.byPermission.size === 0;
  }

  error(plugin: string): PermissionError {
    const groups = [...this.byPermission].map(([permission, { service, imports }]) => `${[...imports].join(" and ")} of ${service} without the "${permission}" permission`);
    const additions = [...this.byPermission.keys()].map((permission) => `"${permission}": {}`).join(", ");
    return new PermissionError(plugin, `imports ${groups.join("; ")} (${MISSING}); add ${additions} to "permissions" in manifest.json`);
  }
}

function exportProblems(module: WebAssembly.Module, manifest: Manifest): PluginError[] {
  const exports = new Map(WebAssembly.Module.exports(module).map((entry) => [entry.name, entry.kind]));
  const required: Array<readonly [string, string]> = [
    [PLUGIN_EXPORTS.memory, "memory"],
    [PLUGIN_EXPORTS.malloc, "function"],
    [PLUGIN_EXPORTS.free, "function"],
  ];
  const missing = required
    .filter(([name, kind]) => exports.get(name) !== kind)
    .map(([name, kind]) => new PluginLoadError(manifest.name, `does not export the ${kind} "${name}"`));
  const unregistered = [...new Set(manifest.capabilities)]
    .filter((capability) => exports.get(CAPABILITIES[capability].apiVersionExport) !== "function")
    .map((capability) => new PluginLoadError(manifest.name, unregisteredCapability(capability)));
  return [...missing, ...unregistered];
}

/** A declared capability whose code is absent: says which SDK registration is missing. */
function unregisteredCapability(capability: CapabilityName): string {
  const { apiVersionExport, exportPrefix } = CAPABILITIES[capability];
  const asModule = `@nd/protocol/assembly/exports/${exportPrefix.replace(/_$/, "")}`;
  return (
    `declares ${capability} but does not export the function "${apiVersionExport}": the plugin code never registers a ${capability} ` +
    `(Go: call ${capability.toLowerCase()}.Register(...) / AssemblyScript: export * from "${asModule}" and call register${capability}(...))`
  );
}
