// The wasm exports of this capability, with malloc and free. The entry file
// re-exports them: export * from "@nd/protocol/assembly/exports/lifecycle_management";
export * from "../gen/exports/lifecycle_management";
