// The nd_* exports of this capability. The entry file re-exports them:
// export * from "@nd/protocol/assembly/gen2/exports/metadata_agent";
export * from "../gen/exports/metadata_agent";
