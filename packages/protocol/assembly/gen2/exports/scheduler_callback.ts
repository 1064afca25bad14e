// The nd_* exports of this capability. The entry file re-exports them:
// export * from "@nd/protocol/assembly/gen2/exports/scheduler_callback";
export * from "../gen/exports/scheduler_callback";
