// The nd_* exports of this capability. The entry file re-exports them:
// export * from "@nd/protocol/assembly/gen2/exports/scrobbler";
export * from "../gen/exports/scrobbler";
