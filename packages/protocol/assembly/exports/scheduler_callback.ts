// The wasm exports of this capability, with malloc and free. The entry file
// re-exports them: export * from "@nd/protocol/assembly/exports/scheduler_callback";
export * from "../gen/exports/scheduler_callback";
