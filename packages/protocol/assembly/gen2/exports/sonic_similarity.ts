// The nd_* exports of this capability. The entry file re-exports them:
// export * from "@nd/protocol/assembly/gen2/exports/sonic_similarity";
export * from "../gen/exports/sonic_similarity";
