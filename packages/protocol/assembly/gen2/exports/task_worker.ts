// The nd_* exports of this capability. The entry file re-exports them:
// export * from "@nd/protocol/assembly/gen2/exports/task_worker";
export * from "../gen/exports/task_worker";
