import type { PermissionsV2 } from "@nd/manifest";
import { gen2 } from "@nd/protocol";
import { PermissionError, PluginLoadError, type PluginError } from "../errors.js";
import { OWN_MEMORY_IMPORT } from "./gen2-memory-import.js";

const WASI_MODULE = "wasi_snapshot_preview1";
const MISSING = `function not exported in module ${gen2.USER_MODULE}`;

/** The generation-2 permissions granted by a manifest, of those this host knows. */
export function grantedPermissionsV2(permissions: PermissionsV2 | undefined): gen2.PermissionName[] {
  return gen2.PERMISSION_NAMES.filter((name) => permissions?.[name] !== undefined);
}

/** The names a module imports from one module. */
export function importsFrom(module: WebAssembly.Module, from: string): string[] {
  return WebAssembly.Module.imports(module)
    .filter((entry) => entry.module === from && entry.kind === "function")
    .map((entry) => entry.name);
}

/**
 * What the host refuses a generation-2 module for when linking it, without running any of
 * its code: `extism:host/user` functions of services not granted (only granted ones exist;
 * config always does), names that are no host function, kernel imports the kernel does not
 * have or with another signature, imports of other modules, and a missing memory export.
 */
export function gen2ModuleProblems(
  module: WebAssembly.Module,
  plugin: string,
  permissions: PermissionsV2 | undefined,
  signatures?: ReadonlyMap<string, string>,
): PluginError[] {
  const granted = new Set<string>(grantedPermissionsV2(permissions));
  const problems: PluginError[] = [];
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    if (isOwnMemoryImport(from, name, kind)) continue;
    if (kind !== "function" || ![WASI_MODULE, gen2.KERNEL_MODULE, gen2.USER_MODULE].includes(from)) {
      problems.push(new PluginLoadError(plugin, `imports ${kind} ${from}.${name}, which the host does not provide`));
    } else if (from === gen2.KERNEL_MODULE && !Object.hasOwn(gen2.KERNEL_FUNCTIONS, name)) {
      problems.push(new PluginLoadError(plugin, `imports ${from}.${name}, which is not a function of the Extism kernel`));
    } else if (from !== WASI_MODULE && !signatureMatches(from, name, signatures)) {
      const expected = expectedSignature(from, name);
      const found = signatures?.get(`${from}\0${name}`);
      problems.push(new PluginLoadError(plugin, `imports ${from}.${name} as ${found}, but the host's is ${expected}`));
    } else if (from === gen2.USER_MODULE) {
      const fn = gen2.findHostFunction(name);
      if (!fn) problems.push(new PluginLoadError(plugin, `imports ${from}.${name}, which is not a host function (${MISSING})`));
      else if (fn.permission && !granted.has(fn.permission)) {
        problems.push(
          new PermissionError(
            plugin,
            `imports ${from}.${name} of the ${fn.service} service without the "${fn.permission}" permission (${MISSING}); ` +
              `add "${fn.permission}": {} to "permissions" in manifest.json`,
          ),
        );
      }
    }
  }
  if (!WebAssembly.Module.exports(module).some((entry) => entry.name === "memory" && entry.kind === "memory")) {
    problems.push(new PluginLoadError(plugin, `does not export the memory "memory"`));
  }
  return problems;
}

/** The memory nd gave the module in place of its own (gen2-memory-import.ts); the module still exports it. */
function isOwnMemoryImport(from: string, name: string, kind: string): boolean {
  return kind === "memory" && from === OWN_MEMORY_IMPORT.module && name === OWN_MEMORY_IMPORT.name;
}

/** Every `extism:host/user` function is `(i64) -> i64`; the kernel's are in gen2.KERNEL_FUNCTIONS. */
function expectedSignature(from: string, name: string): string {
  return from === gen2.KERNEL_MODULE ? gen2.KERNEL_FUNCTIONS[name as gen2.KernelFunctionName] : "(i64) -> i64";
}

function signatureMatches(from: string, name: string, signatures: ReadonlyMap<string, string> | undefined): boolean {
  const found = signatures?.get(`${from}\0${name}`);
  return found === undefined || found === expectedSignature(from, name);
}
