// The AssemblyScript SDK for nd plugins: capability base classes, their
// register functions, the api messages, and Result. The wasm exports live in
// "@nd/protocol/assembly/exports/<capability>", host clients in
// "@nd/protocol/assembly/host/<permission>".
export { Result } from "./result";
export { NOT_FOUND, NOT_IMPLEMENTED } from "./errors";
export * from "./gen/api/api";
export * from "./gen/capabilities/index";
