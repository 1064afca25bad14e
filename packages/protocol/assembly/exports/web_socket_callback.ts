// The wasm exports of this capability, with malloc and free. The entry file
// re-exports them: export * from "@nd/protocol/assembly/exports/web_socket_callback";
export * from "../gen/exports/web_socket_callback";
