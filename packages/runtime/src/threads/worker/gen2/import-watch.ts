type ImportModules = Record<string, Record<string, WebAssembly.ImportValue>>;

/**
 * Counts the calls a new instance makes to its imports. Watching the first instance of a
 * plugin version tells whether its start function calls any: one that calls none depends on
 * nothing but the module, so every later instance runs it the same way. Suspending imports
 * are left as they are: called from a start function they trap (no stack may suspend there).
 */
export class ImportWatch {
  calls = 0;

  watch(modules: ImportModules): ImportModules {
    return Object.fromEntries(Object.entries(modules).map(([name, functions]) => [name, this.counting(functions)]));
  }

  /** A proxy, not a copy: WASI's imports answer names they do not list (with ENOSYS). */
  private counting(functions: Record<string, WebAssembly.ImportValue>): Record<string, WebAssembly.ImportValue> {
    return new Proxy(functions, {
      get: (target, name: string) => {
        const value = target[name];
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          this.calls++;
          return (value as (...args: unknown[]) => unknown)(...args);
        };
      },
    });
  }
}
