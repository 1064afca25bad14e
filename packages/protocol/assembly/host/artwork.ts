// The artwork host service: its messages and its client (permission "artwork").
export * from "../gen/host/artwork/artwork";
export * from "../gen/host/artwork/client";
