/** node:crypto costs a starting thread about 5 ms and 3 MiB: loaded when a plugin first asks for randomness. */
let nodeCrypto: typeof import("node:crypto") | undefined;

/** Fills `view` with random bytes. */
export function randomValues<T extends Uint8Array | Uint32Array>(view: T): T {
  nodeCrypto ??= process.getBuiltinModule("node:crypto");
  return nodeCrypto.getRandomValues(view);
}
