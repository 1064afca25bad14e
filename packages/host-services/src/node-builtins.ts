/**
 * Node's built-in modules that only some services use, loaded on their first use: importing
 * them at the top would cost every host the start-up time and memory (node:crypto alone is
 * tens of milliseconds), whatever its plugins are granted.
 */
export const nodeCrypto = () => process.getBuiltinModule("node:crypto") as typeof import("node:crypto");
export const nodeNet = () => process.getBuiltinModule("node:net") as typeof import("node:net");
export const nodeDns = () => process.getBuiltinModule("node:dns/promises") as typeof import("node:dns/promises");
export const nodeDiagnostics = () => process.getBuiltinModule("node:diagnostics_channel") as typeof import("node:diagnostics_channel");
