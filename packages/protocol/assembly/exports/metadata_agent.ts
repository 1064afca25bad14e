// The wasm exports of this capability, with malloc and free. The entry file
// re-exports them: export * from "@nd/protocol/assembly/exports/metadata_agent";
export * from "../gen/exports/metadata_agent";
