/**
 * WebAssembly JSPI (JavaScript Promise Integration), on by default from Node 24: an import
 * wrapped in `Suspending` may return a promise, which suspends the calling WebAssembly
 * stack until it settles; an export wrapped with `promising` returns a promise of its
 * result and gives the thread back whenever its stack suspends. TypeScript's lib does not
 * declare them yet.
 */
interface Jspi {
  Suspending: new (fn: (...args: never[]) => Promise<unknown>) => object;
  promising<F extends (...args: never[]) => unknown>(fn: F): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>;
}

const jspi = WebAssembly as unknown as Partial<Jspi>;

/** Throws when the engine has no JSPI: nd has no other way to run a call that waits. */
export function assertJspi(): void {
  if (typeof jspi.Suspending !== "function" || typeof jspi.promising !== "function") {
    throw new Error(`nd needs WebAssembly JSPI (Node.js 24 or newer); this is Node.js ${process.version}`);
  }
}

/** An import the plugin calls synchronously whose answer comes later: its stack waits, the thread does not. */
export function suspending(fn: (ptr: number, len: number) => Promise<bigint>): WebAssembly.ImportValue {
  return new jspi.Suspending!(fn) as unknown as WebAssembly.ImportValue;
}

/** `suspending` for any signature (generation 2's imports take and answer i64 values as bigint). */
export function suspendingImport<A extends unknown[]>(fn: (...args: A) => Promise<unknown>): WebAssembly.ImportValue {
  return new jspi.Suspending!(fn as unknown as (...args: never[]) => Promise<unknown>) as unknown as WebAssembly.ImportValue;
}

/** Each export's wrapper, made once: an instance kept for later calls (generation 1's idle ones, generation 2's renewed ones) reuses it. */
const wrappers = new WeakMap<object, unknown>();

/** An export whose stack may suspend in a `suspending` import: the call resolves when it returns. */
export function promising<F extends (...args: never[]) => unknown>(fn: F): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> {
  let wrapper = wrappers.get(fn) as ((...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>) | undefined;
  if (!wrapper) wrappers.set(fn, (wrapper = jspi.promising!(fn)));
  return wrapper;
}
